using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using TppGate.Core.Authorization;

namespace TppGate.Http.Authorize;

/// <summary>
/// The <c>client_id</c> field of an <c>application/x-www-form-urlencoded</c> body (the OAuth token request,
/// RFC 8705 tls_client_auth). The body is read once, bounded, and rewound, so anything after still reads it whole.
/// </summary>
internal static class FormClientId
{
    /// <summary>The largest form body read, in bytes; a token request is a few hundred.</summary>
    public const int MaxFormBytes = 16 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The form's client_id (null when absent), or the deny when the body is unreadable or names it twice.</summary>
    public static async Task<(DenyCode? Error, string? ClientId)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxFormBytes)
        {
            return (DenyCode.BodyInvalid, null);
        }

        request.EnableBuffering(MaxFormBytes + 1);
        var buffer = new byte[MaxFormBytes + 1];
        var total = 0;
        int n;
        while (total < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += n;
        }

        request.Body.Position = 0;
        if (total > MaxFormBytes)
        {
            return (DenyCode.BodyInvalid, null);
        }

        try
        {
            var form = new FormReader(StrictUtf8.GetString(buffer, 0, total)) { ValueCountLimit = 64 }.ReadForm();
            if (!form.TryGetValue("client_id", out var values))
            {
                return (null, null);
            }

            return values.Count == 1 ? (null, string.IsNullOrEmpty(values[0]) ? null : values[0]) : (DenyCode.ClientIdMismatch, null);
        }
        catch (Exception ex) when (ex is DecoderFallbackException or ArgumentException or InvalidDataException)
        {
            return (DenyCode.BodyInvalid, null);
        }
    }
}
