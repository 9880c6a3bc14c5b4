using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TppGate.Core.Authorization;
using TppGate.Http.Tokens;
using TppGate.LocalHost.Tests.Support;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>The token verdict cache of the warm path: a verified token is remembered until its exp and never after.</summary>
public sealed class AccessTokenCacheTests(LocalRunFixture local)
{
    private OpenIdAccessTokenValidator Validator(TimeProvider time) => new(
        Options.Create(new TokenOptions { Authority = local.Tokens.Issuer, Audiences = [TokenAuthority.Audience], ClockSkew = TimeSpan.Zero }),
        time,
        NullLogger<OpenIdAccessTokenValidator>.Instance,
        local.Tokens.MetadataHandler());

    [Fact]
    public async Task Verified_token_is_remembered_until_its_exp_and_refused_after_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var validator = Validator(time);
        var token = local.Tokens.Sign("tpp-cache", "x5t", expiresIn: TimeSpan.FromMinutes(10));

        var first = await validator.ValidateAsync(token, Adversary.Ct);
        time.Advance(TimeSpan.FromMinutes(9));
        var warm = await validator.ValidateAsync(token, Adversary.Ct);
        time.Advance(TimeSpan.FromMinutes(2));
        var expired = await validator.ValidateAsync(token, Adversary.Ct);

        Assert.True(first.IsValid);
        Assert.Same(first, warm);
        Assert.False(expired.IsValid);
        Assert.Equal(DenyCode.TokenInvalid, expired.Failure);
    }

    [Fact]
    public async Task Token_not_yet_valid_on_the_hosts_clock_is_refused()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-30));
        using var validator = Validator(time);

        var verdict = await validator.ValidateAsync(local.Tokens.Sign("tpp-cache", "x5t"), Adversary.Ct);

        Assert.Equal(DenyCode.TokenInvalid, verdict.Failure);
    }
}
