using Microsoft.Extensions.Options;
using TppGate.Azure.Tables;
using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.Http.Authorize;
using TppGate.Http.Tokens;

namespace TppGate.Http.Hosting;

/// <summary>
/// Start-up checks of every TppGate option (ValidateOnStart): a value that breaks an invariant stops the host
/// with a message naming the setting, instead of a 500 on some later request.
/// </summary>
internal static class OptionsChecks
{
    public static ValidateOptionsResult Result(List<string> failures) => failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

    public static void Range(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max, bool minExclusive = false)
    {
        if (value > max || (minExclusive ? value <= min : value < min))
        {
            failures.Add($"{name} must be {(minExclusive ? "above" : "at least")} {min} and at most {max} (is {value}).");
        }
    }

    public static void Range(List<string> failures, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} must be {min} to {max} (is {value}).");
        }
    }

    public static void Defined<T>(List<string> failures, string name, T value)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            failures.Add($"{name} has no value {value}.");
        }
    }
}

/// <summary>Checks <see cref="AuthorizerOptions"/> (section Authorizer).</summary>
internal sealed class AuthorizerOptionsValidator : IValidateOptions<AuthorizerOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthorizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var f = new List<string>();
        OptionsChecks.Range(f, "Authorizer:Deadline", options.Deadline, TimeSpan.Zero, TimeSpan.FromSeconds(30), minExclusive: true);
        OptionsChecks.Range(f, "Authorizer:CertificateCacheSize", options.CertificateCacheSize, 2, 10_000_000);
        OptionsChecks.Range(f, "Authorizer:BindingCacheSize", options.BindingCacheSize, 2, 10_000_000);
        OptionsChecks.Range(f, "Authorizer:CertificateCacheTtl", options.CertificateCacheTtl, TimeSpan.Zero, TimeSpan.FromDays(1), minExclusive: true);
        OptionsChecks.Range(f, "Authorizer:PropagationBound", options.PropagationBound, TimeSpan.Zero, TimeSpan.FromHours(1), minExclusive: true);
        OptionsChecks.Range(f, "Authorizer:ChangePollInterval", options.ChangePollInterval, TimeSpan.Zero, TimeSpan.FromHours(1), minExclusive: true);
        if (options.ChangePollInterval >= options.PropagationBound)
        {
            f.Add("Authorizer:ChangePollInterval must be under Authorizer:PropagationBound.");
        }

        OptionsChecks.Range(f, "Authorizer:ChangeLookBack", options.ChangeLookBack, TimeSpan.Zero, TimeSpan.FromDays(1));

        // A longer client_id could pass the checks and then fail in the store: the store's key limit is the ceiling.
        OptionsChecks.Range(f, "Authorizer:MaxClientIdLength", options.MaxClientIdLength, 1, BindingKeys.MaxClientIdLength);
        foreach (var (api, roles) in options.ApiRoles)
        {
            if (string.IsNullOrWhiteSpace(api) || roles is null || roles.Length == 0 || !roles.All(r => Psd2Roles.TryParseCanonicalName(r, out _)))
            {
                f.Add($"Authorizer:ApiRoles:{api} must list canonical PSD2 roles (PSP_AS, PSP_PI, PSP_AI, PSP_IC).");
            }
        }

        return OptionsChecks.Result(f);
    }
}

/// <summary>Checks <see cref="ChainValidationOptions"/> (section Authorizer:Chain).</summary>
internal sealed class ChainValidationOptionsValidator : IValidateOptions<ChainValidationOptions>
{
    public ValidateOptionsResult Validate(string? name, ChainValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var f = new List<string>();
        OptionsChecks.Range(f, "Authorizer:Chain:ClockSkew", options.ClockSkew, TimeSpan.Zero, TimeSpan.FromHours(1));
        OptionsChecks.Range(f, "Authorizer:Chain:RevocationTimeout", options.RevocationTimeout, TimeSpan.Zero, TimeSpan.FromSeconds(30), minExclusive: true);
        OptionsChecks.Defined(f, "Authorizer:Chain:Revocation", options.Revocation);
        OptionsChecks.Range(f, "Authorizer:Chain:CrlGrace", options.CrlGrace, TimeSpan.Zero, TimeSpan.FromDays(7));
        OptionsChecks.Range(f, "Authorizer:Chain:CrlRefreshInterval", options.CrlRefreshInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        OptionsChecks.Range(f, "Authorizer:Chain:MaxCrlBytes", options.MaxCrlBytes, 1, 100 * 1024 * 1024);
        return OptionsChecks.Result(f);
    }
}

/// <summary>Checks <see cref="CertificateReaderOptions"/> (section Authorizer:Reader).</summary>
internal sealed class CertificateReaderOptionsValidator : IValidateOptions<CertificateReaderOptions>
{
    public ValidateOptionsResult Validate(string? name, CertificateReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var f = new List<string>();
        OptionsChecks.Range(f, "Authorizer:Reader:MaxValueLength", options.MaxValueLength, 1, 64 * 1024);
        OptionsChecks.Range(f, "Authorizer:Reader:MaxChainLength", options.MaxChainLength, 0, 16);
        return OptionsChecks.Result(f);
    }
}

/// <summary>Checks <see cref="RequestOptions"/> (section Authorizer:Request).</summary>
internal sealed class RequestOptionsValidator : IValidateOptions<RequestOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var f = new List<string>();
        (string Name, string Value)[] headers =
        [
            (nameof(options.DirectCertificateHeader), options.DirectCertificateHeader),
            (nameof(options.ForwardedCertificateHeader), options.ForwardedCertificateHeader),
            (nameof(options.ForwardedChainHeader), options.ForwardedChainHeader),
            (nameof(options.ClientIdHeader), options.ClientIdHeader),
            (nameof(options.ApiHeader), options.ApiHeader),
        ];
        foreach (var (setting, header) in headers)
        {
            if (string.IsNullOrWhiteSpace(header) || !header.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                f.Add($"Authorizer:Request:{setting} '{header}' must be a header name of letters, digits, '-' or '_'.");
            }
            else if (string.Equals(header, "Authorization", StringComparison.OrdinalIgnoreCase)
                || headers.Any(other => other.Name != setting && string.Equals(other.Value, header, StringComparison.OrdinalIgnoreCase)))
            {
                f.Add($"Authorizer:Request:{setting} '{header}' must differ from the other header settings and from Authorization.");
            }
        }

        OptionsChecks.Defined(f, "Authorizer:Request:DirectCertificateFormat", options.DirectCertificateFormat);
        OptionsChecks.Defined(f, "Authorizer:Request:ForwardedCertificateFormat", options.ForwardedCertificateFormat);
        if (!options.TrustedForwarders.All(fw => Thumbprint.TryParseSha256(fw.CertificateThumbprint, out _) || !string.IsNullOrWhiteSpace(fw.PrincipalId)))
        {
            f.Add("Every trusted forwarder needs a SHA-256 certificate thumbprint or a principal id.");
        }

        return OptionsChecks.Result(f);
    }
}

/// <summary>Checks <see cref="TokenOptions"/> (section Authorizer:Tokens).</summary>
internal sealed class TokenOptionsValidator : IValidateOptions<TokenOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var f = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps
                || authority.Query.Length > 0 || authority.Fragment.Length > 0 || authority.UserInfo.Length > 0)
            {
                f.Add("Authorizer:Tokens:Authority must be an absolute https URL without query, fragment or user info.");
            }

            if (options.Audiences.Count == 0 || options.Audiences.Any(string.IsNullOrWhiteSpace))
            {
                f.Add("Authorizer:Tokens:Audiences must list at least one audience when an authority is set.");
            }
        }

        OptionsChecks.Range(f, "Authorizer:Tokens:ClockSkew", options.ClockSkew, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        OptionsChecks.Range(f, "Authorizer:Tokens:MetadataTimeout", options.MetadataTimeout, TimeSpan.Zero, TimeSpan.FromSeconds(30), minExclusive: true);
        OptionsChecks.Range(f, "Authorizer:Tokens:MetadataRefreshInterval", options.MetadataRefreshInterval, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1));
        OptionsChecks.Range(f, "Authorizer:Tokens:MinimumRefreshInterval", options.MinimumRefreshInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        OptionsChecks.Range(f, "Authorizer:Tokens:CacheSize", options.CacheSize, 1, 1_000_000);
        return OptionsChecks.Result(f);
    }
}
