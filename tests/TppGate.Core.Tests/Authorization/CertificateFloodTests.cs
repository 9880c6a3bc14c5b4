using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.Pki;

namespace TppGate.Core.Tests.Authorization;

public sealed class CertificateFloodTests
{
    [Fact]
    public void A_flood_of_unique_valid_certificates_keeps_the_verdict_cache_bounded_and_the_hot_certificate_cached()
    {
        var h = new AuthorizerHarness(new AuthorizerOptions { CertificateCacheSize = 64 });
        var hotHeader = PkiExport.Base64Der(AuthorizerHarness.NewQwac());
        var hot = h.Verifier.Verify(hotHeader, CertificateSourceFormat.Base64, null, out _);
        Assert.NotNull(hot);

        for (var i = 0; i < 400; i++)
        {
            var stranger = h.Verifier.Verify(PkiExport.Base64Der(AuthorizerHarness.NewQwac()), CertificateSourceFormat.Base64, null, out _);
            Assert.Null(stranger!.Failure);
            if (i % 10 == 0)
            {
                // Same instance: served from the cache, not validated again.
                Assert.Same(hot, h.Verifier.Verify(hotHeader, CertificateSourceFormat.Base64, null, out _));
            }

            Assert.InRange(h.Verifier.CachedCount, 1, 64);
        }
    }
}
