using TppGate.Http.Authorize;

namespace TppGate.Http.Tests.Authorize;

public sealed class CanonicalTargetTests
{
    [Theory]
    [InlineData("/api/authorize")]
    [InlineData("/api/authorize?client_id=a.b&x=../y")]
    [InlineData("/api/authorize/")]
    [InlineData("/api/authorize?x=%2e%2e")]
    [InlineData("https://tppgate.example/api/authorize?client_id=c")]
    [InlineData("/api/au%74horize")]
    [InlineData("")]
    [InlineData(null)]
    public void Canonical_targets_pass(string? target)
    {
        Assert.True(CanonicalTarget.IsCanonical(target));
    }

    [Theory]
    [InlineData("/api/health/../authorize")]
    [InlineData("/api/health/%2e%2e/authorize")]
    [InlineData("/api/health/%2E%2E/authorize")]
    [InlineData("/api/health/.%2e/authorize")]
    [InlineData("/api/./authorize")]
    [InlineData("/api/health%2f..%2fauthorize")]
    [InlineData("/api/health/..%2Fauthorize")]
    [InlineData("/api/health\\..\\authorize")]
    [InlineData("/api/health%5c..%5cauthorize")]
    [InlineData("/api//authorize")]
    [InlineData("/api/authorize/..")]
    [InlineData("/api/authorize%")]
    [InlineData("/api/authorize%2")]
    [InlineData("api/authorize")]
    [InlineData("https://tppgate.example/api/health/../authorize")]
    public void Dot_segments_encoded_dots_slashes_and_backslashes_are_refused(string target)
    {
        Assert.False(CanonicalTarget.IsCanonical(target));
    }

    [Theory]
    [InlineData("/api/bindings/tpp%2Fapp")]
    [InlineData("/api/bindings/tpp%5Capp/audit")]
    [InlineData("/api/bindings/a%2Fb%2Fc/0123/revoke")]
    public void Admin_targets_may_carry_encoded_slashes_and_backslashes_inside_a_client_id(string target)
    {
        Assert.False(CanonicalTarget.IsCanonical(target));
        Assert.True(CanonicalTarget.IsCanonical(target, allowEncodedSeparators: true));
    }

    [Theory]
    [InlineData("/api/health/../bindings/x")]
    [InlineData("/api/health%2f..%2fbindings/x")]
    [InlineData("/api/health%5C..%5Cbindings/x")]
    [InlineData("/api/health/..%2Fbindings/x")]
    [InlineData("/api/health/%2e%2e/bindings/x")]
    [InlineData("/api/bindings/%2F..")]
    [InlineData("/api/health\\..\\bindings/x")]
    [InlineData("/api//bindings/x")]
    public void Admin_targets_still_refuse_dot_segments_behind_encoded_separators(string target)
    {
        Assert.False(CanonicalTarget.IsCanonical(target, allowEncodedSeparators: true));
    }
}
