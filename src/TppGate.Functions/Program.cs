using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using TppGate.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
TppGateFunctionsApp.Configure(builder);
builder.Build().Run();
