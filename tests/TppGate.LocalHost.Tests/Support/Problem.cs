using System.Net;
using System.Text.Json;

namespace TppGate.LocalHost.Tests.Support;

/// <summary>Reads answers the way a TPP or APIM would: status, problem code, allow body.</summary>
public static class Answers
{
    public static async Task<(HttpStatusCode Status, string? Code, JsonElement Body)> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        string? code = null;
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var c))
        {
            code = c.GetString();
        }

        return (response.StatusCode, code, body);
    }
}
