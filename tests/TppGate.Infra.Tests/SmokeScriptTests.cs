using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Infra.Tests;

/// <summary>
/// infra/smoke: the post-deployment smoke test. Its run against the local host is in .ci/run
/// (<c>bash infra/smoke/local.sh</c>, about a minute); these check what can be checked without a server.
/// </summary>
public sealed class SmokeScriptTests
{
    private static readonly string Folder = Path.Combine(BicepCli.RepositoryRoot, "infra", "smoke");

    [Fact]
    public void The_deploy_workflow_runs_the_smoke_test_after_azd_deploy()
    {
        var lines = File.ReadAllLines(Path.Combine(BicepCli.RepositoryRoot, ".github", "workflows", "deploy.yml"));
        var deploy = Array.FindIndex(lines, l => l.Trim() == "run: azd deploy --no-prompt");
        var smoke = Array.FindIndex(lines, l => l.Contains("bash infra/smoke/azure.sh", StringComparison.Ordinal));

        Assert.True(deploy > 0, "no azd deploy step");
        Assert.True(smoke > deploy, "the smoke test does not run after azd deploy");
        Assert.DoesNotContain(lines.Skip(deploy), l => l.Contains("continue-on-error", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("smoke.sh")]
    [InlineData("mint-qwac.sh")]
    [InlineData("local.sh")]
    [InlineData("azure.sh")]
    public async Task Each_script_is_valid_bash(string script)
    {
        var (exitCode, output) = await RunAsync(new Dictionary<string, string>(), "-n", Path.Combine(Folder, script));

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task The_smoke_test_refuses_to_run_without_its_settings()
    {
        var (exitCode, output) = await RunAsync(new Dictionary<string, string> { ["SMOKE_ADMIN_URL"] = "https://admin.example.invalid" }, Path.Combine(Folder, "smoke.sh"));

        Assert.Equal(2, exitCode);
        Assert.Contains("SMOKE_AUTHORIZER_URL is not set", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_minted_test_qwac_is_a_client_certificate_with_qc_statements_signed_by_the_test_ca()
    {
        var folder = Directory.CreateTempSubdirectory("tppgate-mint-");
        try
        {
            var ca = Path.Combine(folder.FullName, "ca");
            var (caExit, caOutput) = await RunProcessAsync("openssl", new Dictionary<string, string>(),
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=Mint Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign", "-keyout", ca + ".key", "-out", ca + ".pem");
            Assert.True(caExit == 0, caOutput);

            var (noCrlExit, _) = await RunAsync(new Dictionary<string, string>(), Path.Combine(Folder, "mint-qwac.sh"), ca + ".pem", ca + ".key", Path.Combine(folder.FullName, "none"));
            Assert.NotEqual(0, noCrlExit);

            const string CrlUrl = "http://127.0.0.1:9/smoke-ca.crl";
            var (exitCode, output) = await RunAsync(new Dictionary<string, string> { ["SMOKE_CRL_URL"] = CrlUrl }, Path.Combine(Folder, "mint-qwac.sh"), ca + ".pem", ca + ".key", Path.Combine(folder.FullName, "tpp"));
            Assert.True(exitCode == 0, output);

            using var leaf = X509Certificate2.CreateFromPemFile(Path.Combine(folder.FullName, "tpp.pem"), Path.Combine(folder.FullName, "tpp.key"));
            using var issuer = X509CertificateLoader.LoadCertificateFromFile(ca + ".pem");
            Assert.True(leaf.HasPrivateKey);
            Assert.Equal(issuer.Subject, leaf.Issuer);
            Assert.False(Assert.IsType<X509BasicConstraintsExtension>(leaf.Extensions["2.5.29.19"]).CertificateAuthority);
            Assert.Contains(Assert.IsType<X509EnhancedKeyUsageExtension>(leaf.Extensions["2.5.29.37"]).EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");
            var qcStatements = leaf.Extensions["1.3.6.1.5.5.7.1.3"];
            Assert.NotNull(qcStatements);
            var hex = Convert.ToHexString(qcStatements.RawData);
            // QcCompliance, QcType web, the PSD2 statement (0.4.0.19495.2) with PSP_AI and PSP_PI.
            Assert.Contains("04008E460101", hex, StringComparison.Ordinal);
            Assert.Contains("04008E46010603", hex, StringComparison.Ordinal);
            Assert.Contains("040081982702", hex, StringComparison.Ordinal);
            Assert.Contains(Convert.ToHexString("PSP_AI"u8), hex, StringComparison.Ordinal);
            Assert.Contains(Convert.ToHexString("PSP_PI"u8), hex, StringComparison.Ordinal);

            // Revocation is checked by default (decision 0009): the QWAC names the test CA's CRL.
            var crlDistributionPoints = leaf.Extensions["2.5.29.31"];
            Assert.NotNull(crlDistributionPoints);
            Assert.Contains(Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes(CrlUrl)), Convert.ToHexString(crlDistributionPoints.RawData), StringComparison.Ordinal);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(issuer);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            Assert.True(chain.Build(leaf), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment, params string[] arguments) =>
        RunProcessAsync("bash", environment, arguments);

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(string program, Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("SMOKE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
