using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TppGate.Http.Authorize;

/// <summary>
/// Is the request's raw target (the bytes on the request line, before any server decoded or normalised them) the
/// canonical path? Front ends match prefixes such as App Service's client-certificate exclusion paths on the raw
/// target; a server then removes dot segments, so <c>/api/health/../authorize</c> can pass an excluded prefix and
/// still reach the authorizer. The authorizer refuses such targets (issue 8, item 15).
/// </summary>
public static class CanonicalTarget
{
    /// <summary>The stable code of the refusal (400).</summary>
    public const string Code = "PATH_NOT_CANONICAL";

    /// <summary>
    /// True when <paramref name="rawTarget"/>'s path has no dot segment (<c>.</c>, <c>..</c>), no percent-encoded
    /// dot, slash or backslash, no backslash and no empty segment. An unknown (empty) raw target is accepted:
    /// there is nothing to judge.
    /// </summary>
    public static bool IsCanonical(string? rawTarget) => IsCanonical(rawTarget, allowEncodedSeparators: false);

    /// <summary>
    /// As <see cref="IsCanonical(string?)"/>; with <paramref name="allowEncodedSeparators"/>, a percent-encoded slash
    /// or backslash (<c>%2F</c>, <c>%5C</c>) is allowed inside a segment, as the admin API's client_id route values
    /// need, but still counts as a separator when looking for dot segments, in case a front end decodes it.
    /// </summary>
    public static bool IsCanonical(string? rawTarget, bool allowEncodedSeparators)
    {
        if (string.IsNullOrEmpty(rawTarget))
        {
            return true;
        }

        var path = rawTarget.AsSpan();
        var end = path.IndexOfAny('?', '#');
        if (end >= 0)
        {
            path = path[..end];
        }

        // Absolute form (RFC 9112 section 3.2.2): judge the path after the authority.
        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var afterScheme = path[(path.IndexOf(':') + 3)..];
            var slash = afterScheme.IndexOf('/');
            path = slash < 0 ? "/" : afterScheme[slash..];
        }

        if (path.Length == 0 || path[0] != '/' || path.Contains('\\'))
        {
            return false;
        }

        for (var i = path.IndexOf('%'); i >= 0; i = NextPercent(path, i))
        {
            if (i + 2 >= path.Length)
            {
                return false;
            }

            var encoded = path.Slice(i + 1, 2);
            var separator = encoded.Equals("2f", StringComparison.OrdinalIgnoreCase) || encoded.Equals("5c", StringComparison.OrdinalIgnoreCase);
            if (encoded.Equals("2e", StringComparison.OrdinalIgnoreCase) || (separator && !allowEncodedSeparators))
            {
                return false;
            }
        }

        if (path.IndexOf("//", StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        ReadOnlySpan<char> segments = allowEncodedSeparators
            ? path.ToString().Replace("%2f", "/", StringComparison.OrdinalIgnoreCase).Replace("%5c", "/", StringComparison.OrdinalIgnoreCase)
            : path;
        foreach (var range in segments.Split('/'))
        {
            if (segments[range] is "." or "..")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the request's raw target is canonical (see <see cref="IsCanonical(string?)"/>).</summary>
    public static bool IsCanonical(HttpContext context) => IsCanonical(context, allowEncodedSeparators: false);

    /// <summary>True when the request's raw target is canonical (see <see cref="IsCanonical(string?, bool)"/>).</summary>
    public static bool IsCanonical(HttpContext context, bool allowEncodedSeparators)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsCanonical(context.Features.Get<IHttpRequestFeature>()?.RawTarget, allowEncodedSeparators);
    }

    private static int NextPercent(ReadOnlySpan<char> path, int from)
    {
        var next = path[(from + 1)..].IndexOf('%');
        return next < 0 ? -1 : from + 1 + next;
    }
}
