using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.Pki;

namespace TppGate.Benchmarks;

/// <summary>
/// The uncached decision path for a certificate never seen before: read the forwarded header, validate the chain
/// against the anchors and read its eIDAS content, against the bare BCL cost of loading the same DER and building
/// the same chain with the same policy. Target: at most 1.15x the baseline.
/// </summary>
[MemoryDiagnoser]
public class ColdPathBenchmarks
{
    private string header = string.Empty;
    private X509Certificate2[] anchorCertificates = [];
    private X509Certificate2[] intermediates = [];
    private X509Certificate2Collection anchorCollection = [];
    private X509Certificate2Collection intermediateCollection = [];
    private ChainValidator validator = null!;
    private DateTime verificationTime;

    [GlobalSetup]
    public void Setup()
    {
        var catalogue = CertificateCatalogue.Shared;
        header = PkiExport.Base64Der(catalogue.QwacAiPi);
        anchorCertificates = [X509CertificateLoader.LoadCertificate(catalogue.Root.Certificate.RawData)];
        intermediates = [X509CertificateLoader.LoadCertificate(catalogue.IssuingCa.Certificate.RawData)];
        anchorCollection = [.. anchorCertificates];
        intermediateCollection = [.. intermediates];
        var now = catalogue.ReferenceTime.AddDays(1);
        verificationTime = now.UtcDateTime;
        var provider = new StaticTrustAnchorProvider([.. anchorCertificates, .. intermediates], "benchmark");
        validator = new ChainValidator(provider, new ChainValidationOptions { Revocation = RevocationCheck.NoCheck }, new FixedClock(now));
        if (!TppGatePath() || !BclBaseline())
        {
            throw new InvalidOperationException("the benchmark certificate does not validate: the figures would measure a failure path");
        }
    }

    [Benchmark(Baseline = true, Description = "BCL: load DER + X509Chain.Build")]
    public bool BclBaseline() => Benchmarks.BclBaseline.LoadAndBuild(header, anchorCollection, intermediateCollection, verificationTime);

    [Benchmark(Description = "TppGate: read header + validate chain + read eIDAS")]
    public bool TppGatePath()
    {
        var read = ForwardedCertificateReader.Read(header, CertificateSourceFormat.Base64);
        if (!read.Succeeded)
        {
            return false;
        }

        using var forwarded = read.Value;
        var chain = validator.Validate(forwarded.Certificate, forwarded.Chain);
        var profile = EidasReader.Read(forwarded.Certificate);
        return chain.Trusted && profile.HasPsd2Roles;
    }

    [Benchmark(Description = "BCL: load DER only")]
    public int LoadOnly()
    {
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(header));
        return certificate.RawDataMemory.Length;
    }

    [Benchmark(Description = "TppGate: read header only")]
    public bool ReadOnly()
    {
        var read = ForwardedCertificateReader.Read(header, CertificateSourceFormat.Base64);
        read.Value?.Dispose();
        return read.Succeeded;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>The eIDAS content alone (qcStatements and organizationIdentifier) of a loaded QWAC. Target: under 10 us.</summary>
[MemoryDiagnoser]
public class QcStatementsBenchmarks
{
    private X509Certificate2 certificate = null!;

    [GlobalSetup]
    public void Setup() => certificate = X509CertificateLoader.LoadCertificate(CertificateCatalogue.Shared.QwacAiPi.RawData);

    [GlobalCleanup]
    public void Cleanup() => certificate.Dispose();

    [Benchmark(Description = "EidasReader.Read (qcStatements + orgId)")]
    public EidasProfile ReadEidas() => EidasReader.Read(certificate);
}
