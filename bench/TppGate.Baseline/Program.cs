using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Https;

// Mirrors LocalHostApp's authorizer listener (slim builder, loopback, same certificate type, RequireCertificate,
// any certificate accepted, same Kestrel limits) so that the only difference in the load run is TppGate itself.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var port = builder.Configuration.GetValue("Baseline:Port", 0);
var certificatePath = builder.Configuration["Baseline:CertificatePath"] ?? throw new InvalidOperationException("Baseline:CertificatePath is required (PEM).");
var keyPath = builder.Configuration["Baseline:KeyPath"] ?? throw new InvalidOperationException("Baseline:KeyPath is required (PKCS#8 PEM).");
var serverCertificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
    kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(https =>
    {
        https.ServerCertificate = serverCertificate;
        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.ClientCertificateValidation = (_, _, _) => true;
    }));
});

var app = builder.Build();
app.MapMethods("/api/authorize", ["GET", "POST"], () => Results.Ok());
await app.StartAsync();
Console.WriteLine($"Baseline listening on https://127.0.0.1:{port}/api/authorize");
await app.WaitForShutdownAsync();
