using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.Pki;

namespace TppGate.Core.Tests.Authorization;

/// <summary>
/// The verdict cache's key is the value itself (issue 12 replaced its SHA-256 with a fast hash plus an exact
/// comparison): a verdict is served only for the exact value, format and chain it was computed from, even when
/// every key hashes alike, and long values count for more of the cache's capacity.
/// </summary>
public sealed class CertificateVerifierKeyTests
{
    private static readonly Func<string, CertificateSourceFormat, string?, ulong> EveryKeyCollides = (_, _, _) => 42;

    [Fact]
    public void With_every_key_hashing_alike_a_forged_value_never_gets_the_trusted_verdict_and_each_keeps_its_own()
    {
        var h = new AuthorizerHarness(keyHash: EveryKeyCollides);
        var trustedValue = PkiExport.Base64Der(AuthorizerHarness.NewQwac());
        var forgedValue = PkiExport.Base64Der(SelfSigned("forged.tpp.example"));

        var trusted = h.Verifier.Verify(trustedValue, CertificateSourceFormat.Base64, null, out _);
        var forged = h.Verifier.Verify(forgedValue, CertificateSourceFormat.Base64, null, out _);

        Assert.Null(trusted!.Failure);
        Assert.NotNull(forged!.Failure);
        Assert.NotSame(trusted, forged);

        // Both stay cached under colliding hashes, each answering only its own value.
        Assert.Same(trusted, h.Verifier.Verify(trustedValue, CertificateSourceFormat.Base64, null, out _));
        Assert.Same(forged, h.Verifier.Verify(forgedValue, CertificateSourceFormat.Base64, null, out _));
        Assert.Equal(2, h.Verifier.CacheMisses);
    }

    [Fact]
    public void With_every_key_hashing_alike_the_same_certificate_with_another_chain_or_format_is_judged_again()
    {
        var h = new AuthorizerHarness(keyHash: EveryKeyCollides);
        var certificate = AuthorizerHarness.NewQwac();
        var base64 = PkiExport.Base64Der(certificate);
        var rfc9440 = ":" + base64 + ":";

        var bare = h.Verifier.Verify(base64, CertificateSourceFormat.Base64, null, out _);
        var withChain = h.Verifier.Verify(rfc9440, CertificateSourceFormat.Rfc9440, ":" + PkiExport.Base64Der(CertificateCatalogue.Shared.IssuingCa.Certificate) + ":", out _);
        var withoutChain = h.Verifier.Verify(rfc9440, CertificateSourceFormat.Rfc9440, null, out _);
        var emptyChain = h.Verifier.Verify(rfc9440, CertificateSourceFormat.Rfc9440, string.Empty, out var emptyChainDeny);

        Assert.Null(bare!.Failure);
        Assert.NotNull(withChain);
        Assert.NotNull(withoutChain);
        Assert.NotSame(bare, withChain);
        Assert.NotSame(withChain, withoutChain);
        Assert.NotSame(bare, withoutChain);
        Assert.True(emptyChain is null ? emptyChainDeny is not null : !ReferenceEquals(emptyChain, withoutChain));
        Assert.Same(withChain, h.Verifier.Verify(rfc9440, CertificateSourceFormat.Rfc9440, ":" + PkiExport.Base64Der(CertificateCatalogue.Shared.IssuingCa.Certificate) + ":", out _));
    }

    [Fact]
    public void Long_values_fill_the_cache_sooner_so_the_characters_it_holds_stay_bounded()
    {
        const int capacity = 64;
        var h = new AuthorizerHarness(new AuthorizerOptions { CertificateCacheSize = capacity });
        var longest = 0;
        for (var i = 0; i < 40; i++)
        {
            var value = PkiExport.Base64Der(LongQwac());
            longest = Math.Max(longest, value.Length);
            Assert.True(h.Verifier.Verify(value, CertificateSourceFormat.Base64, null, out var deny) is not null, deny?.Detail);
        }

        // Each long value weighs 1 + length / 4096 units; the generations hold at most the capacity in units,
        // plus the one insertion that rotates each generation.
        var weight = 1 + (longest / CertificateVerifier.ValueKey.CharactersPerUnit);
        Assert.InRange(weight, 3, 4);
        Assert.InRange(h.Verifier.CachedCount, 1, (capacity / weight) + 2);

        // The same number of ordinary values all stay: the bound is by size, not a smaller capacity.
        var ordinary = new AuthorizerHarness(new AuthorizerOptions { CertificateCacheSize = capacity });
        for (var i = 0; i < 30; i++)
        {
            Assert.NotNull(ordinary.Verifier.Verify(PkiExport.Base64Der(AuthorizerHarness.NewQwac()), CertificateSourceFormat.Base64, null, out _));
        }

        Assert.Equal(30, ordinary.Verifier.CachedCount);
    }

    private static X509Certificate2 LongQwac()
        => CertificateCatalogue.Shared.IssuingCa.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", [Core.Eidas.Psd2Role.AccountInformation]) with
        {
            DnsNames = [.. Enumerable.Range(0, 150).Select(i => $"h{i:D4}-{Guid.NewGuid():N}.tpp.example")],
        });

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var now = CertificateCatalogue.Shared.ReferenceTime;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }
}
