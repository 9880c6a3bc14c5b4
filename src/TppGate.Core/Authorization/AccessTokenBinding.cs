using System.Text.Json;

namespace TppGate.Core.Authorization;

/// <summary>
/// Reads the RFC 8705 confirmation (<c>cnf.x5t#S256</c>) and the client of a JWT access token. The signature is
/// not checked here: APIM's validate-jwt (or the configured issuer) does that before the authorizer is called;
/// this check only proves the token belongs to the certificate in the handshake.
/// </summary>
internal static class AccessTokenBinding
{
    private const int MaxTokenLength = 16 * 1024;

    public static bool TryRead(string token, out string? x5tS256, out string? clientId)
    {
        x5tS256 = null;
        clientId = null;
        if (token.Length > MaxTokenLength)
        {
            return false;
        }

        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first <= 0 || second < 0)
        {
            return false;
        }

        var payload = token.AsSpan(first + 1, second - first - 1);
        var bytes = new byte[System.Buffers.Text.Base64Url.GetMaxDecodedLength(payload.Length)];
        if (!Certificates.Base64Url.TryDecode(payload, bytes, out var written))
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(bytes.AsMemory(0, written));
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (json.RootElement.TryGetProperty("cnf", out var cnf) && cnf.ValueKind == JsonValueKind.Object
                && cnf.TryGetProperty("x5t#S256", out var x5t) && x5t.ValueKind == JsonValueKind.String)
            {
                x5tS256 = x5t.GetString();
            }

            foreach (var name in (ReadOnlySpan<string>)["client_id", "azp"])
            {
                if (json.RootElement.TryGetProperty(name, out var c) && c.ValueKind == JsonValueKind.String)
                {
                    clientId = c.GetString();
                    break;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
