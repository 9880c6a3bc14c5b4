using TppGate.Core.Trust;

namespace TppGate.Core.Tests.Trust;

public sealed class BerlinGroupCodesTests
{
    [Theory]
    [InlineData(ChainFailure.Untrusted, "CERTIFICATE_INVALID")]
    [InlineData(ChainFailure.Expired, "CERTIFICATE_EXPIRED")]
    [InlineData(ChainFailure.NotYetValid, "CERTIFICATE_EXPIRED")]
    [InlineData(ChainFailure.Revoked, "CERTIFICATE_REVOKED")]
    [InlineData(ChainFailure.RevocationUnknown, "CERTIFICATE_INVALID")]
    [InlineData(ChainFailure.WrongUsage, "CERTIFICATE_INVALID")]
    [InlineData(ChainFailure.InvalidBasicConstraints, "CERTIFICATE_INVALID")]
    [InlineData(ChainFailure.UnknownCriticalExtension, "CERTIFICATE_INVALID")]
    [InlineData(ChainFailure.WeakAlgorithm, "CERTIFICATE_INVALID")]
    [InlineData(ChainFailure.NoTrustAnchors, "SERVICE_UNAVAILABLE")]
    public void Each_failure_maps_to_its_Berlin_Group_code(ChainFailure failure, string code)
        => Assert.Equal(code, BerlinGroupCodes.For(failure));

    [Fact]
    public void Trusted_result_has_no_code() => Assert.Null(BerlinGroupCodes.For(ChainValidationResult.Success));

    [Fact]
    public void Untrusted_and_expired_is_reported_as_invalid_not_expired()
    {
        var result = new ChainValidationResult(false, [ChainFailure.Expired, ChainFailure.Untrusted], null);

        Assert.Equal("CERTIFICATE_INVALID", BerlinGroupCodes.For(result));
    }

    [Fact]
    public void Revoked_outranks_expired()
    {
        var result = new ChainValidationResult(false, [ChainFailure.Expired, ChainFailure.Revoked], null);

        Assert.Equal("CERTIFICATE_REVOKED", BerlinGroupCodes.For(result));
    }
}
