using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TppGate.Http.Callers;

namespace TppGate.Http.Tests.Callers;

public sealed class AppServiceAuthenticationCallerResolverTests
{
    private const string Audience = "api://tppgate-admin";

    private static readonly AppServiceAuthenticationCallerResolver Resolver = new(Options.Create(new AppServiceAuthenticationOptions { PlatformAuthenticationEnabled = true, Audience = Audience }));

    private static HttpRequest RequestWith(params string[] principalHeaders)
    {
        var context = new DefaultHttpContext();
        if (principalHeaders.Length > 0)
        {
            context.Request.Headers[AppServiceAuthenticationCallerResolver.PrincipalHeader] = principalHeaders;
        }

        return context.Request;
    }

    private static string Principal(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Admin_role_from_an_entra_principal_allows_reading_and_writing()
    {
        var header = Principal("""
            {"auth_typ":"aad","name_typ":"name","role_typ":"roles","claims":[{"typ":"aud","val":"api://tppgate-admin"},
              {"typ":"name","val":"Ops Engineer"},
              {"typ":"http://schemas.microsoft.com/identity/claims/objectidentifier","val":"5f0c1b2e-0000-4000-8000-000000000001"},
              {"typ":"roles","val":"TppGate.Admin"}]}
            """);

        var caller = Resolver.Resolve(RequestWith(header));

        Assert.NotNull(caller);
        Assert.Equal("Ops Engineer", caller.Name);
        Assert.Equal("5f0c1b2e-0000-4000-8000-000000000001", caller.PrincipalId);
        Assert.True(caller.CanWrite);
        Assert.True(caller.CanRead);
    }

    [Fact]
    public void Reader_role_reads_but_does_not_write()
    {
        var caller = Resolver.Resolve(RequestWith(Principal("""{"claims":[{"typ":"aud","val":"api://tppgate-admin"},{"typ":"roles","val":"TppGate.Reader"}]}""")));

        Assert.NotNull(caller);
        Assert.True(caller.CanRead);
        Assert.False(caller.CanWrite);
    }

    [Fact]
    public void Authenticated_principal_without_a_tppgate_role_can_do_nothing()
    {
        var caller = Resolver.Resolve(RequestWith(Principal("""{"claims":[{"typ":"aud","val":"api://tppgate-admin"},{"typ":"roles","val":"Some.Other.Role"},{"typ":"name","val":"x"}]}""")));

        Assert.NotNull(caller);
        Assert.False(caller.CanRead);
        Assert.False(caller.CanWrite);
    }

    [Theory]
    [InlineData("not base64 !!")]
    [InlineData("bm90IGpzb24=")]
    [InlineData("W10=")]
    [InlineData("")]
    public void Malformed_principal_header_is_anonymous(string header)
    {
        Assert.Null(Resolver.Resolve(RequestWith(header)));
    }

    [Fact]
    public void Principal_header_sent_twice_is_anonymous()
    {
        var admin = Principal("""{"claims":[{"typ":"aud","val":"api://tppgate-admin"},{"typ":"roles","val":"TppGate.Admin"}]}""");
        Assert.Null(Resolver.Resolve(RequestWith(admin, admin)));
    }

    [Fact]
    public void No_principal_header_is_anonymous()
    {
        Assert.Null(Resolver.Resolve(RequestWith()));
    }

    [Theory]
    [InlineData(false, Audience)]
    [InlineData(true, null)]
    [InlineData(true, "")]
    public void Nothing_is_believed_unless_app_service_authentication_is_on_and_the_admin_audience_is_set(bool platform, string? audience)
    {
        var resolver = new AppServiceAuthenticationCallerResolver(Options.Create(new AppServiceAuthenticationOptions { PlatformAuthenticationEnabled = platform, Audience = audience }));
        var admin = Principal("""{"claims":[{"typ":"aud","val":"api://tppgate-admin"},{"typ":"roles","val":"TppGate.Admin"}]}""");

        Assert.False(resolver.IsConfigured);
        Assert.Null(resolver.Resolve(RequestWith(admin)));
    }

    [Theory]
    [InlineData("""{"claims":[{"typ":"roles","val":"TppGate.Admin"}]}""")]
    [InlineData("""{"claims":[{"typ":"aud","val":"api://another-app"},{"typ":"roles","val":"TppGate.Admin"}]}""")]
    [InlineData("""{"claims":[{"typ":"aud","val":"api://tppgate-admin-not"},{"typ":"roles","val":"TppGate.Admin"}]}""")]
    public void Principal_without_the_admin_audience_is_anonymous(string json)
    {
        Assert.True(Resolver.IsConfigured);
        Assert.Null(Resolver.Resolve(RequestWith(Principal(json))));
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    [InlineData("1", false)]
    [InlineData(null, false)]
    public void Only_true_in_the_platform_variable_means_app_service_authentication_is_on(string? value, bool enabled)
    {
        Assert.Equal(enabled, AppServiceAuthenticationOptions.IsEnabled(value));
    }
}
