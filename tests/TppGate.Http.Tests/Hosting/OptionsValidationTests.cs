using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TppGate.Http.Hosting;

namespace TppGate.Http.Tests.Hosting;

/// <summary>Every option is checked when the host starts (ValidateOnStart), the way AddTppGate wires it for every host.</summary>
public sealed class OptionsValidationTests
{
    private static void Validate(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddTppGate();
        using var provider = services.BuildServiceProvider();

        // What the host runs before it starts: every ValidateOnStart registration.
        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Defaults_start()
    {
        Validate();
    }

    public static TheoryData<string, string> Breaking => new()
    {
        { "Authorizer:MaxClientIdLength", "300" },
        { "Authorizer:MaxClientIdLength", "0" },
        { "Authorizer:Deadline", "-00:00:01" },
        { "Authorizer:Deadline", "01:00:00" },
        { "Authorizer:CertificateCacheTtl", "00:00:00" },
        { "Authorizer:ChangePollInterval", "00:00:10" },
        { "Authorizer:ChangeLookBack", "-00:00:01" },
        { "Authorizer:BindingCacheSize", "1" },
        { "Authorizer:ApiRoles:accounts:0", "PSP_XX" },
        { "Authorizer:Chain:ClockSkew", "-00:01:00" },
        { "Authorizer:Chain:RevocationTimeout", "00:00:00" },
        { "Authorizer:Chain:Revocation", "7" },
        { "Authorizer:Reader:MaxValueLength", "0" },
        { "Authorizer:Reader:MaxChainLength", "-1" },
        { "Authorizer:Request:ApiHeader", "" },
        { "Authorizer:Request:ClientIdHeader", "X-Client Id" },
        { "Authorizer:Request:ApiHeader", "Client-Cert" },
        { "Authorizer:Request:ClientIdHeader", "Authorization" },
        { "Authorizer:Request:DirectCertificateFormat", "99" },
        { "Authorizer:Tokens:Authority", "http://login.example/tenant" },
        { "Authorizer:Tokens:Authority", "https://login.example/tenant?x=1" },
        { "Authorizer:Tokens:MetadataTimeout", "00:00:00" },
        { "Authorizer:Tokens:ClockSkew", "01:00:00" },
        { "Authorizer:Tokens:CacheSize", "0" },
    };

    [Theory]
    [MemberData(nameof(Breaking))]
    public void A_value_that_breaks_an_invariant_stops_the_host_naming_the_setting(string key, string value)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Validate((key, value)));
        Assert.Contains(key.Split(':')[^1] == "0" ? key.Split(':')[1] : key.Split(':')[^1], failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Authority_without_an_audience_stops_the_host()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Validate(("Authorizer:Tokens:Authority", "https://login.example/tenant/v2.0")));
        Assert.Contains("Audiences", failure.Message, StringComparison.Ordinal);
        Validate(("Authorizer:Tokens:Authority", "https://login.example/tenant/v2.0"), ("Authorizer:Tokens:Audiences:0", "api://tppgate"));
    }
}
