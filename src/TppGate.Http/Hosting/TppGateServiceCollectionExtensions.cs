using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.Core.Trust;
using TppGate.Http.Admin;
using TppGate.Http.Authorize;
using TppGate.Http.Callers;

namespace TppGate.Http.Hosting;

/// <summary>Registers the authorizer, the admin API and their options; every host calls this.</summary>
public static class TppGateServiceCollectionExtensions
{
    /// <summary>
    /// Adds TppGate's request handling. The host adds an <see cref="Core.Bindings.IBindingStore"/>, an
    /// <see cref="ITrustAnchorProvider"/> and, unless App Service Authentication is in front, an <see cref="ICallerResolver"/>.
    /// </summary>
    public static IServiceCollection AddTppGate(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICallerResolver, AppServiceAuthenticationCallerResolver>();
        services.AddOptions<AppServiceAuthenticationOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.PlatformAuthenticationEnabled = AppServiceAuthenticationOptions.IsEnabled(configuration[AppServiceAuthenticationOptions.PlatformVariable]);
            o.Audience = configuration[AppServiceAuthenticationOptions.AudienceKey];
        });
        services.AddOptions<AuthorizerOptions>().BindConfiguration(AuthorizerOptions.SectionName)
            .Validate(o => o.Deadline > TimeSpan.Zero && o.PropagationBound > o.ChangePollInterval && o.CertificateCacheSize >= 2 && o.BindingCacheSize >= 2,
                "Authorizer: Deadline must be positive, ChangePollInterval under PropagationBound, cache sizes at least 2.")
            .Validate(o => o.ApiRoles.Values.All(roles => roles.Length > 0 && roles.All(r => Core.Eidas.Psd2Roles.TryParseCanonicalName(r, out _))),
                "Authorizer:ApiRoles lists canonical PSD2 roles (PSP_AS, PSP_PI, PSP_AI, PSP_IC) for every API.")
            .ValidateOnStart();
        services.AddOptions<ChainValidationOptions>().BindConfiguration("Authorizer:Chain").ValidateOnStart();
        services.AddOptions<CertificateReaderOptions>().BindConfiguration("Authorizer:Reader")
            .Validate(o => o.MaxValueLength is > 0 and <= 64 * 1024, "Authorizer:Reader:MaxValueLength must be 1 to 65536.")
            .ValidateOnStart();
        services.AddOptions<RequestOptions>().BindConfiguration(RequestOptions.SectionName)
            .Validate(o => o.TrustedForwarders.All(f => Thumbprint.TryParseSha256(f.CertificateThumbprint, out _) || !string.IsNullOrWhiteSpace(f.PrincipalId)),
                "Every trusted forwarder needs a SHA-256 certificate thumbprint or a principal id.")
            .ValidateOnStart();

        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<AuthorizerOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ChainValidationOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<CertificateReaderOptions>>().Value);
        services.TryAddSingleton<ChainValidator>();
        services.TryAddSingleton<CertificateVerifier>();
        services.TryAddSingleton<BindingCache>();
        services.TryAddSingleton<BindingChangeWatcher>();
        services.TryAddSingleton<Authorizer>();
        services.TryAddSingleton<AuthorizeHandler>();
        services.TryAddSingleton<AdminHandlers>();
        services.TryAddSingleton<HealthHandler>();
        services.AddMetrics();
        services.TryAddSingleton<Telemetry.TppGateMetrics>();
        services.AddHostedService<BindingChangeWatcherService>();
        return services;
    }
}
