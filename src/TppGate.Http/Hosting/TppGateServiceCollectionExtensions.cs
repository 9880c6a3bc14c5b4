using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.Core.Trust;
using TppGate.Core.Trust.Revocation;
using TppGate.Core.Trust.Revocation.Ocsp;
using TppGate.Http.Admin;
using TppGate.Http.Authorize;
using TppGate.Http.Callers;
using TppGate.Http.Tokens;

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
        services.AddOptions<AuthorizerOptions>().BindConfiguration(AuthorizerOptions.SectionName).ValidateOnStart();
        services.AddOptions<ChainValidationOptions>().BindConfiguration("Authorizer:Chain").ValidateOnStart();
        services.AddOptions<CertificateReaderOptions>().BindConfiguration("Authorizer:Reader").ValidateOnStart();
        services.AddOptions<RequestOptions>().BindConfiguration(RequestOptions.SectionName).ValidateOnStart();
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthorizerOptions>, AuthorizerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChainValidationOptions>, ChainValidationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CertificateReaderOptions>, CertificateReaderOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RequestOptions>, RequestOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenOptions>, TokenOptionsValidator>());
        services.TryAddSingleton<IAccessTokenValidator>(sp => new OpenIdAccessTokenValidator(
            sp.GetRequiredService<IOptions<TokenOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OpenIdAccessTokenValidator>>(),
            sp.GetKeyedService<HttpMessageHandler>(OpenIdAccessTokenValidator.MetadataHandlerKey)));

        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<AuthorizerOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ChainValidationOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<CertificateReaderOptions>>().Value);
        services.TryAddSingleton<ICrlDownloader>(sp => new HttpCrlDownloader(sp.GetRequiredService<ChainValidationOptions>()));
        services.TryAddSingleton<CrlCache>();
        services.TryAddSingleton<IOcspDownloader>(sp => new HttpOcspDownloader(sp.GetRequiredService<ChainValidationOptions>()));
        services.TryAddSingleton<OcspCache>();
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
        services.AddOptions<Telemetry.ExpiryReportOptions>().BindConfiguration(Telemetry.ExpiryReportOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Telemetry.ExpiryReportOptions>, Telemetry.ExpiryReportOptionsValidator>());
        services.TryAddSingleton<Telemetry.BindingExpiryReport>();
        services.AddHostedService<BindingChangeWatcherService>();
        services.AddHostedService<CrlRefresherService>();
        return services;
    }
}
