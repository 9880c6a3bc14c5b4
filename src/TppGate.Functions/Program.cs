using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TppGate.Azure.KeyVault;
using TppGate.Azure.Tables;
using TppGate.Http.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services
    .AddApplicationInsightsTelemetryWorkerService()
    .ConfigureFunctionsApplicationInsights();

// App Service Authentication sits in front: X-MS-CLIENT-PRINCIPAL is the caller (the default resolver).
builder.Services.AddTppGate();
builder.Services.AddTableBindingStore(builder.Configuration);
builder.Services.AddKeyVaultTrustAnchors(builder.Configuration);

builder.Build().Run();
