using System.Globalization;
using System.Text;
using TppGate.Core.Certificates;

namespace TppGate.LocalHost.Hosting;

/// <summary>What the local run prints at start: where things are, and curl commands to try the whole flow.</summary>
public static class LocalRunGuide
{
    /// <summary>The sample client_id the printed commands register.</summary>
    public const string SampleClientId = "sample-tpp";

    /// <summary>The start-up text.</summary>
    public static string Describe(LocalRun run, IEnumerable<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var tpp = run.Pki.LoadTppCertificate();
        var x5t = CertificateThumbprints.Of(tpp).X5tS256;
        var pki = run.Pki;
        var authorize = run.AuthorizerUri;
        var admin = run.AdminUri;
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine("TppGate local run");
        text.AppendLine(c, $"  listening:     {string.Join(", ", addresses)}");
        text.AppendLine(c, $"  authorizer:    {authorize}api/authorize (TLS requires a client certificate)");
        text.AppendLine(c, $"  admin API:     {admin}api/bindings (header X-Admin-Key)");
        text.AppendLine(c, $"  dev PKI:       {pki.Folder}");
        text.AppendLine(c, $"  trust anchors: {run.AnchorsPath}");
        text.AppendLine(c, $"  dev QTSP CRL:  {pki.CrlUrl} (QTSP revocation is checked)");
        text.AppendLine(c, $"  admin key:     {run.AdminKey}");
        text.AppendLine(c, $"  storage:       {(run.Azurite is null ? "Bindings:ConnectionString" : "Azurite at " + run.Azurite.TableEndpoint + " (CRLs: " + run.Azurite.BlobEndpoint + ")")}");
        text.AppendLine();
        text.AppendLine("Register the sample QWAC (PSP_AI, PSP_PI) for client_id sample-tpp:");
        text.AppendLine(c, $"  curl -sS --cacert {pki.RootPath} -H 'X-Admin-Key: {run.AdminKey}' -H 'Content-Type: application/json' \\");
        text.AppendLine(c, $"    --data \"{{\\\"clientId\\\":\\\"{SampleClientId}\\\",\\\"certificate\\\":\\\"$(grep -v -- ----- {pki.TppCertificatePath} | tr -d '\\n')\\\"}}\" \\");
        text.AppendLine(c, $"    {admin}api/bindings");
        text.AppendLine(c, $"  or: {Tppgate(run, $"bindings register --client-id {SampleClientId} --certificate {pki.TppCertificatePath}")}");
        text.AppendLine();
        text.AppendLine("Call the authorizer as the TPP (expect 200 allow; with another X-Client-Id, 403 CERTIFICATE_NOT_BOUND):");
        text.AppendLine(c, $"  curl -sS --cacert {pki.RootPath} --cert {pki.TppCertificatePath} --key {pki.TppKeyPath} \\");
        text.AppendLine(c, $"    -H 'X-Client-Id: {SampleClientId}' -H 'X-Tpp-Api: accounts' {authorize}api/authorize");
        text.AppendLine();
        text.AppendLine("Revoke the binding (the authorizer answers 403 CERTIFICATE_BLOCKED within 5 s):");
        text.AppendLine(c, $"  curl -sS --cacert {pki.RootPath} -H 'X-Admin-Key: {run.AdminKey}' -H 'Content-Type: application/json' \\");
        text.AppendLine(c, $"    --data '{{\"reason\":\"local test\"}}' {admin}api/bindings/{SampleClientId}/{x5t}/revoke");
        text.AppendLine(c, $"  or: {Tppgate(run, $"bindings revoke --client-id {SampleClientId} --thumbprint {x5t} --reason local-test")}");
        text.AppendLine(c, $"  audit: {Tppgate(run, $"bindings audit --client-id {SampleClientId}")}");
        text.AppendLine();
        text.AppendLine("Make the dev QTSP revoke the sample QWAC (its CRL lists it; the authorizer answers 401 CERTIFICATE_REVOKED):");
        text.AppendLine(c, $"  curl -sS --cacert {pki.RootPath} -H 'X-Admin-Key: {run.AdminKey}' -X POST {admin}{DevQtspEndpoints.RevokeSamplePath.TrimStart('/')}");
        text.AppendLine();
        text.AppendLine("Press Ctrl+C to stop (Azurite stops too).");
        return text.ToString();
    }

    /// <summary>The tppgate command line (run from the repository) with this run's endpoint, key and dev CA.</summary>
    private static string Tppgate(LocalRun run, string command)
        => $"dotnet run --project src/TppGate.Cli -- {command} --endpoint {run.AdminUri} --admin-key {run.AdminKey} --ca-file {run.Pki.RootPath}";
}
