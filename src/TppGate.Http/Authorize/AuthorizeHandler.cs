using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.Http.Callers;
using TppGate.Http.Logging;
using TppGate.Http.Results;
using TppGate.Http.Telemetry;

namespace TppGate.Http.Authorize;

/// <summary>
/// <c>POST|GET /api/authorize</c>: takes the TPP certificate from the configured header (honouring a forwarded
/// one only from a trusted forwarder, RFC 9440 section 4), the client_id, the API and an optional bearer
/// token, asks the <see cref="Authorizer"/>, and answers allow (200 with X-Tpp-* headers) or a problem.
/// </summary>
public sealed partial class AuthorizeHandler
{
    private const int MaxTrustedForwarderValues = 64;
    private readonly Authorizer _authorizer;
    private readonly RequestOptions _options;
    private readonly ICallerResolver _callers;
    private readonly ILogger<AuthorizeHandler> _logger;
    private readonly HashSet<string> _forwarderThumbprints = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forwarderPrincipals = new(StringComparer.OrdinalIgnoreCase);
    private readonly IForwarderThumbprintSource[] _forwarderSources;
    private readonly TppGateMetrics? _metrics;

    // The rendered answer of each allow decision; the authorizer reuses a decision while its certificate and client stay the same.
    private readonly ConditionalWeakTable<AuthorizationDecision, TppGateResult> _allowAnswers = new();

    // Direct-header values already hashed to a trusted forwarder's SHA-256; few. Membership is checked again on
    // every call, so a thumbprint a source stops trusting (rotated in Key Vault) is not trusted from the cache.
    // Looked up on every forwarded call: keyed with the header comparer, about half the default comparer's cost (HeaderLookupBenchmarks).
    private readonly ConcurrentDictionary<string, string> _knownForwarderValues = new(HeaderValueComparer.Instance);

    /// <summary>Creates the handler; <paramref name="forwarderSources"/> add forwarder thumbprints that change at run time.</summary>
    public AuthorizeHandler(Authorizer authorizer, IOptions<RequestOptions> options, ICallerResolver callers, ILogger<AuthorizeHandler> logger, IEnumerable<IForwarderThumbprintSource>? forwarderSources = null, TppGateMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _forwarderSources = forwarderSources?.ToArray() ?? [];
        _metrics = metrics;
        _authorizer = authorizer;
        _options = options.Value;
        _callers = callers;
        _logger = logger;
        foreach (var forwarder in _options.TrustedForwarders)
        {
            if (Thumbprint.TryParseSha256(forwarder.CertificateThumbprint, out var sha256))
            {
                _forwarderThumbprints.Add(sha256);
            }

            if (!string.IsNullOrWhiteSpace(forwarder.PrincipalId))
            {
                _forwarderPrincipals.Add(forwarder.PrincipalId.Trim());
            }
        }
    }

    private static TppGateResult RenderAllow(AuthorizationDecision decision)
    {
        var headers = new KeyValuePair<string, string>[]
        {
            new("X-Tpp-Client-Id", HeaderValue(decision.ClientId!)),
            new("X-Tpp-Organization-Id", HeaderValue(decision.OrganizationId ?? "")),
            new("X-Tpp-Roles", string.Join(',', decision.Roles)),
            new("X-Tpp-Cert-Thumbprint", decision.Thumbprint ?? ""),
        };
        return TppGateResult.Rendered(200, new AllowBody("allow", decision.ClientId!, decision.Thumbprint, decision.OrganizationId, decision.Roles, decision.NcaId), headers);
    }

    /// <summary>Handles one authorize request.</summary>
    public async Task<TppGateResult> HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!CanonicalTarget.IsCanonical(context))
        {
            LogNotCanonical(_logger, context.TraceIdentifier);
            _metrics?.Decision(CanonicalTarget.Code, started);
            return TppGateResult.Problem(context, 400, CanonicalTarget.Code, "The request target is not the authorizer's canonical path.");
        }

        AuthorizationDecision decision;
        try
        {
            decision = await DecideAsync(context.Request, context.RequestAborted);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // A defect must never become an allow or a stack trace: fail closed, keep the detail in the log.
            LogFailed(_logger, ex, context.TraceIdentifier);
            decision = AuthorizationDecision.Deny(DenyCode.ServiceUnavailable, "unexpected " + ex.GetType().Name);
        }

        if (decision.IsAllowed)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                LogAllowed(_logger, LogValue.Escape(decision.ClientId)!, decision.Thumbprint, context.TraceIdentifier);
            }

            _metrics?.Decision(null, started);

            return _allowAnswers.GetValue(decision, RenderAllow);
        }

        // Detail and client_id can carry request values: escaped, so none can forge a log line.
        var code = decision.Code ?? DenyCode.CertificateInvalid;
        LogDenied(_logger, code.ToCode(), LogValue.Escape(decision.Detail), decision.Thumbprint, LogValue.Escape(decision.ClientId), context.TraceIdentifier);
        _metrics?.Decision(code.ToCode(), started);
        return TppGateResult.Problem(context, code.ToHttpStatus(), code.ToCode(), code.ToTitle());
    }

    private ValueTask<AuthorizationDecision> DecideAsync(HttpRequest request, CancellationToken cancellationToken)
        => IsFormBody(request) ? DecideWithFormAsync(request, cancellationToken) : Decide(request, null, cancellationToken);

    private async ValueTask<AuthorizationDecision> DecideWithFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (error, formClientId) = await FormClientId.ReadAsync(request, cancellationToken);
        return error is { } code
            ? AuthorizationDecision.Deny(code, code == DenyCode.ClientIdMismatch ? "client_id sent more than once in the form body" : "form body too large or not form text")
            : await Decide(request, formClientId, cancellationToken);
    }

    private ValueTask<AuthorizationDecision> Decide(HttpRequest request, string? formClientId, CancellationToken cancellationToken)
    {
        var headers = request.Headers;
        if (!TrySingle(headers[_options.DirectCertificateHeader], out var direct)
            || !TrySingle(headers[_options.ForwardedCertificateHeader], out var forwarded)
            || !TrySingle(headers[_options.ForwardedChainHeader], out var forwardedChain))
        {
            return Deny(DenyCode.CertificateInvalid, "a certificate header was sent more than once");
        }

        if (!TrySingle(headers[_options.ApiHeader], out var api))
        {
            return Deny(DenyCode.ApiHeaderRepeated, $"{_options.ApiHeader} sent more than once");
        }

        if (!TrySingle(headers.Authorization, out var authorization))
        {
            return Deny(DenyCode.AuthorizationHeaderRepeated, "Authorization sent more than once");
        }

        if (!TryClientId(request, formClientId, out var clientId))
        {
            return Deny(DenyCode.ClientIdMismatch, "client_id sent more than once, or differently in header, query and form body");
        }

        string? value;
        CertificateSourceFormat format;
        string? chain = null;
        if (forwarded is not null || forwardedChain is not null)
        {
            if (!IsTrustedForwarder(request, direct))
            {
                return Deny(DenyCode.ForwarderUntrusted, $"{_options.ForwardedCertificateHeader} from a caller that is not a configured forwarder");
            }

            value = forwarded;
            format = _options.ForwardedCertificateFormat;
            chain = forwardedChain;
        }
        else
        {
            if (HasThumbprintForwarders && direct is not null && IsTrustedForwarder(request, direct))
            {
                return Deny(DenyCode.CertificateMissing, "the forwarder sent no TPP certificate");
            }

            value = direct;
            format = _options.DirectCertificateFormat;
        }

        string? token = null;
        if (authorization is not null)
        {
            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.AsSpan(7).Trim().IsEmpty)
            {
                return Deny(DenyCode.TokenInvalid, "Authorization is not a bearer token");
            }

            token = authorization[7..].Trim();
        }

        return _authorizer.AuthorizeAsync(new AuthorizationRequest(value, format, chain, clientId, api, token), cancellationToken);
    }

    private static bool IsFormBody(HttpRequest request)
        => request.ContentType is { } type && type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    private bool IsTrustedForwarder(HttpRequest request, string? direct)
    {
        if (direct is not null && HasThumbprintForwarders)
        {
            if (_knownForwarderValues.TryGetValue(direct, out var known))
            {
                return IsTrustedThumbprint(known);
            }

            if (DirectSha256(direct) is { } sha256 && IsTrustedThumbprint(sha256))
            {
                if (_knownForwarderValues.Count < MaxTrustedForwarderValues)
                {
                    _knownForwarderValues.TryAdd(direct, sha256);
                }

                return true;
            }
        }

        return _forwarderPrincipals.Count > 0 && _callers.Resolve(request)?.PrincipalId is { } principal && _forwarderPrincipals.Contains(principal);
    }

    private bool HasThumbprintForwarders => _forwarderThumbprints.Count > 0 || _forwarderSources.Length > 0;

    private bool IsTrustedThumbprint(string sha256)
    {
        if (_forwarderThumbprints.Contains(sha256))
        {
            return true;
        }

        foreach (var source in _forwarderSources)
        {
            if (source.Sha256Thumbprints.Contains(sha256))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// SHA-256 of the certificate in the direct header. For App Service's bare base64 DER that is the hash of
    /// the decoded bytes, with no X.509 parse: this runs for every direct call once forwarders are configured.
    /// </summary>
    private string? DirectSha256(string direct)
    {
        if (_options.DirectCertificateFormat == CertificateSourceFormat.Base64)
        {
            if (direct.Length > 16 * 1024)
            {
                return null;
            }

            Span<byte> der = stackalloc byte[(direct.Length * 3 / 4) + 3];
            if (!Convert.TryFromBase64String(direct, der, out var written))
            {
                return null;
            }

            return Convert.ToHexStringLower(SHA256.HashData(der[..written]));
        }

        var read = ForwardedCertificateReader.Read(direct, _options.DirectCertificateFormat);
        if (!read.Succeeded)
        {
            return null;
        }

        using var certificate = read.Value;
        return CertificateThumbprints.Of(certificate.Certificate).Sha256Hex;
    }

    /// <summary>The client_id from header, query and form field: each at most once, and all that are present equal.</summary>
    private bool TryClientId(HttpRequest request, string? formClientId, out string? clientId)
    {
        clientId = null;
        // No query string, no query client_id: parsing the (empty) query would only allocate (issue 12).
        string? query = null;
        if (!TrySingle(request.Headers[_options.ClientIdHeader], out var header)
            || (request.QueryString.HasValue && !TrySingle(request.Query["client_id"], out query)))
        {
            return false;
        }

        foreach (var source in (ReadOnlySpan<string?>)[header, query, formClientId])
        {
            if (source is null)
            {
                continue;
            }

            if (clientId is not null && !string.Equals(clientId, source, StringComparison.Ordinal))
            {
                clientId = null;
                return false;
            }

            clientId = source;
        }

        return true;
    }

    private static bool TrySingle(Microsoft.Extensions.Primitives.StringValues values, out string? value)
    {
        value = null;
        if (values.Count > 1)
        {
            return false;
        }

        value = values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
        return true;
    }

    private static ValueTask<AuthorizationDecision> Deny(DenyCode code, string detail) => ValueTask.FromResult(AuthorizationDecision.Deny(code, detail));

    /// <summary>Header-safe form: printable ASCII as is, anything else percent-encoded (UTF-8).</summary>
    private static string HeaderValue(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '%')
            {
                return Uri.EscapeDataString(value);
            }
        }

        return value;
    }

    [LoggerMessage(EventId = 1002, EventName = "AuthorizeFailed", Level = LogLevel.Error, Message = "Authorization failed unexpectedly; denied (request {RequestId})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = 1090, EventName = "AuthorizeTargetNotCanonical", Level = LogLevel.Warning, Message = "Denied PATH_NOT_CANONICAL: dot segments or encoded dots or slashes in the request target (request {RequestId})")]
    private static partial void LogNotCanonical(ILogger logger, string requestId);

    [LoggerMessage(EventId = 1000, EventName = "AuthorizeAllowed", Level = LogLevel.Information, Message = "Allowed client {ClientId} with certificate {Thumbprint} (request {RequestId})")]
    private static partial void LogAllowed(ILogger logger, string clientId, string? thumbprint, string requestId);

    [LoggerMessage(EventId = 1001, EventName = "AuthorizeDenied", Level = LogLevel.Warning, Message = "Denied {Code}: {Detail}; certificate {Thumbprint}, client {ClientId} (request {RequestId})")]
    private static partial void LogDenied(ILogger logger, string code, string? detail, string? thumbprint, string? clientId, string requestId);
}
