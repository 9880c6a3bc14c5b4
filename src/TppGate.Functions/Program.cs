using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TppGate.Azure.KeyVault;
using TppGate.Azure.Tables;
using TppGate.Azure.TrustedLists;
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

// The EU trusted-list import runs on the admin surface only (its timer); there its settings are checked at start.
var isAdmin = string.Equals(builder.Configuration["TppGate:Surface"], "Admin", StringComparison.OrdinalIgnoreCase);
builder.Services.AddTrustedListRefresh(builder.Configuration, validateOnStart: isAdmin);

builder.Build().Run();
