using System.Security.Cryptography;
using TppGate.Core.Certificates;
using TppGate.Pki;

namespace TppGate.Core.Tests.Certificates;

public sealed class ThumbprintTests
{
    private const string Rfc8705AppendixAX5t = "A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0";

    [Fact]
    public void Thumbprints_are_sha256_of_the_der_and_of_the_public_key()
    {
        var certificate = CertificateCatalogue.Shared.QwacAi;
        var thumbprints = CertificateThumbprints.Of(certificate);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), thumbprints.Sha256Hex);
        Assert.Equal(Thumbprint.HexToX5tS256(thumbprints.Sha256Hex), thumbprints.X5tS256);
        Assert.Equal(43, thumbprints.X5tS256.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())), thumbprints.SpkiSha256Hex);
    }

    [Fact]
    public void Rfc8705_example_x5t_round_trips_through_hex()
    {
        Assert.True(Thumbprint.TryParseSha256(Rfc8705AppendixAX5t, out var hex));
        Assert.Equal(64, hex.Length);
        Assert.Equal(Rfc8705AppendixAX5t, Thumbprint.HexToX5tS256(hex));
    }

    [Fact]
    public void Hex_in_any_case_with_colons_or_spaces_is_accepted()
    {
        var hex = CertificateThumbprints.Of(CertificateCatalogue.Shared.QwacAi).Sha256Hex;
        var colons = string.Join(':', Enumerable.Range(0, 32).Select(i => hex.Substring(i * 2, 2).ToUpperInvariant()));

        Assert.True(Thumbprint.TryParseSha256(colons, out var fromColons));
        Assert.Equal(hex, fromColons);
        Assert.True(Thumbprint.TryParseSha256(" " + colons.Replace(':', ' ') + " ", out var fromSpaces));
        Assert.Equal(hex, fromSpaces);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v")]
    [InlineData("A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0=")]
    [InlineData("zz0e2d2f626650c840b2f263e6d2b29fae12ab39ae5db32b25ad27efad72e6fd")]
    public void Sha1_short_padded_or_non_hex_values_are_refused(string? input)
        => Assert.False(Thumbprint.TryParseSha256(input, out _));
}
