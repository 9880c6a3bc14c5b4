using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using TppGate.Azure.KeyVault;
using TppGate.Azure.Tests.KeyVault;
using TppGate.Cli.TrustedLists;
using TppGate.Testing.TrustedLists;

namespace TppGate.Azure.Tests.TrustedLists;

/// <summary><c>tppgate anchors from-trusted-lists --key-vault</c> with the real shared lists, writing into the local Key Vault double.</summary>
public sealed class CliKeyVaultAgainstLocalKeyVaultDoubleTests : IAsyncLifetime, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tppgate-tl-kv-");
    private FakeKeyVaultServer _vault = null!;

    public async ValueTask InitializeAsync() => _vault = await FakeKeyVaultServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _vault.DisposeAsync();

    public void Dispose() => _folder.Delete(recursive: true);

    private (int Exit, string Stdout, string Stderr) Run(string lotl)
    {
        var signer = Path.Combine(_folder.FullName, "signer.pem");
        File.WriteAllText(signer, PemEncoding.WriteString("CERTIFICATE", SharedTrustedLists.LotlSigner()));
        string[] args = ["--lotl", SharedTrustedLists.PathOf(lotl), "--lotl-signer", signer, "--at", "2019-09-05T00:00:00Z", "--json", "--key-vault", _vault.VaultUri.AbsoluteUri,
            .. SharedTrustedLists.NationalLists.SelectMany(l => new[] { "--list", SharedTrustedLists.PathOf(l) })];
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var options = KeyVaultClientOptions.Create(new KeyVaultTrustAnchorOptions { MaxRetries = 0 });
        var exit = AnchorsFromTrustedListsCommand.Run(args, stdout, stderr, new FakeTimeProvider(), null, _ => _vault.CreateClient(new StaticTokenCredential(), options));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void The_real_lists_land_in_the_vault_as_the_seven_expected_anchors_and_a_defective_LOTL_writes_nothing()
    {
        var first = Run("eu-lotl.xml");

        Assert.True(first.Exit == 0, first.Stdout + first.Stderr);
        var names = _vault.All.Where(s => s.Name.StartsWith("tl-", StringComparison.Ordinal) && s.Enabled).Select(s => s.Name[3..]).Order().ToList();
        var expected = SharedTrustedLists.NationalLists
            .SelectMany(n => SharedTrustedLists.ExpectedFile(n).GetProperty("qwac_ca_cert_sha256").EnumerateArray().Select(h => h.GetString()!))
            .Order().ToList();
        Assert.Equal(expected, names);
        Assert.Contains("\"EU\":248", _vault.Find("tppgate-trusted-lists-state")!.Value, StringComparison.Ordinal);
        var writes = _vault.Requests.Count(r => r.StartsWith("PUT", StringComparison.Ordinal) || r.StartsWith("PATCH", StringComparison.Ordinal));

        var broken = Run("eu-lotl-broken-sig.xml");

        Assert.Equal(2, broken.Exit);
        Assert.Contains("BAD_SIGNATURE", broken.Stdout, StringComparison.Ordinal);
        Assert.Equal(writes, _vault.Requests.Count(r => r.StartsWith("PUT", StringComparison.Ordinal) || r.StartsWith("PATCH", StringComparison.Ordinal)));
        Assert.Equal(7, _vault.All.Count(s => s.Name.StartsWith("tl-", StringComparison.Ordinal) && s.Enabled));
    }
}
