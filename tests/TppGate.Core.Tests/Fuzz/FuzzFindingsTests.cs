using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.Pki;
using TppGate.Testing.Fuzz;

namespace TppGate.Core.Tests.Fuzz;

/// <summary>Inputs the fuzzer found, kept as plain regression tests.</summary>
public sealed class FuzzFindingsTests
{
    /// <summary>The DER of a clean QWAC with one character of its notAfter UTCTime made a letter: still DER, not a time.</summary>
    private static byte[] WithMalformedValidityTime()
    {
        var der = (byte[])CertificateCatalogue.Shared.QwacAi.RawData.Clone();
        var notBefore = der.AsSpan().IndexOf([(byte)0x17, (byte)0x0D]);
        var at = notBefore + 15 + der.AsSpan(notBefore + 15).IndexOf([(byte)0x17, (byte)0x0D]);
        Assert.True(notBefore > 0 && at > notBefore, "the catalogue certificate has two UTCTimes");
        der[at + 4] = (byte)'x';
        return der;
    }

    [Fact]
    public void Certificate_with_a_malformed_validity_time_is_invalid_der_not_an_exception()
    {
        var result = ForwardedCertificateReader.Read(Convert.ToBase64String(WithMalformedValidityTime()), CertificateSourceFormat.Base64);

        Assert.Equal(CertificateReadError.InvalidDer, result.Error);
    }

    [Fact]
    public async Task Authorizer_denies_a_malformed_validity_time_as_certificate_invalid()
    {
        var fuzzer = new HeaderFuzzer(CertificateCatalogue.Shared);
        var value = Convert.ToBase64String(WithMalformedValidityTime());

        var decision = await fuzzer.AuthorizeAsync(new AuthorizationRequest(value, CertificateSourceFormat.Base64, null, HeaderFuzzer.BoundClient, null, null), TestContext.Current.CancellationToken);

        Assert.Equal(DenyCode.CertificateInvalid, decision.Code);
    }
}
