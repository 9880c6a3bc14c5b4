using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Tables;

/// <summary>ECDSA signature twins (issue 8 item 4, decision 0011): one certificate, one binding, whatever its encoding.</summary>
public sealed class CertificateIdentityTests(AzuriteInstance azurite)
{
    private static readonly BigInteger P256Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signature_twin_is_refused_for_another_client_and_after_revocation_and_stays_unbound()
    {
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var original = IssueLeaf(issuerKey);
        using var twin = Twin(original);
        Assert.NotEqual(CertificateThumbprints.Of(original).Sha256Hex, CertificateThumbprints.Of(twin).Sha256Hex);
        Assert.True(VerifiesUnder(twin, issuerKey));
        var store = StoreFactory.Create(azurite);
        var now = DateTimeOffset.UtcNow;

        Assert.Equal(RegisterOutcome.Created, (await store.RegisterAsync(CertificateBinding.For(original, "client-a", "ops", now), Ct)).Outcome);
        var other = await store.RegisterAsync(CertificateBinding.For(twin, "client-b", "ops", now), Ct);
        Assert.Equal(RegisterOutcome.IdentityTaken, other.Outcome);
        Assert.Equal(CertificateThumbprints.Of(original).Sha256Hex, other.Binding.Sha256);

        await store.RevokeAsync("client-a", CertificateThumbprints.Of(original).Sha256Hex, "ops", "compromised", Ct);
        Assert.Equal(RegisterOutcome.IdentityTaken, (await store.RegisterAsync(CertificateBinding.For(twin, "client-a", "ops", now), Ct)).Outcome);

        Assert.Null(await store.GetByCertificateAsync(CertificateThumbprints.Of(twin).Sha256Hex, Ct));
        Assert.Contains(await store.GetAuditAsync("client-b", Ct), a => a.Action == AuditAction.Refused);
    }

    [Fact]
    public async Task The_same_certificate_registered_again_is_not_an_identity_conflict()
    {
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var original = IssueLeaf(issuerKey);
        var store = StoreFactory.Create(azurite);
        var binding = CertificateBinding.For(original, "client-a", "ops", DateTimeOffset.UtcNow);

        Assert.Equal(RegisterOutcome.Created, (await store.RegisterAsync(binding, Ct)).Outcome);
        Assert.Equal(RegisterOutcome.AlreadyBound, (await store.RegisterAsync(binding, Ct)).Outcome);
    }

    private static X509Certificate2 IssueLeaf(ECDsa issuerKey)
    {
        var issuerName = new X500DistinguishedName("CN=Twin Test QTSP CA");
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=tpp.example, O=Example TPP", leafKey, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(issuerName, X509SignatureGenerator.CreateForECDsa(issuerKey), now.AddDays(-1), now.AddDays(90), [1, 2, 3, 4, 5, 6, 7, 8]);
        return X509CertificateLoader.LoadCertificate(signed.RawData);
    }

    /// <summary>The same TBSCertificate with the ECDSA signature (r, s) re-encoded as (r, n - s): also valid.</summary>
    private static X509Certificate2 Twin(X509Certificate2 certificate)
    {
        var outer = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadEncodedValue();
        var algorithm = outer.ReadEncodedValue();
        var signature = outer.ReadBitString(out _);
        var values = new AsnReader(signature, AsnEncodingRules.DER).ReadSequence();
        var r = values.ReadInteger();
        var s = values.ReadInteger();

        var sig = new AsnWriter(AsnEncodingRules.DER);
        using (sig.PushSequence())
        {
            sig.WriteInteger(r);
            sig.WriteInteger(P256Order - s);
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs.Span);
            writer.WriteEncodedValue(algorithm.Span);
            writer.WriteBitString(sig.Encode());
        }

        return X509CertificateLoader.LoadCertificate(writer.Encode());
    }

    private static bool VerifiesUnder(X509Certificate2 certificate, ECDsa issuerKey)
    {
        var outer = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadEncodedValue();
        outer.ReadEncodedValue();
        var signature = outer.ReadBitString(out _);
        return issuerKey.VerifyData(tbs.Span, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
