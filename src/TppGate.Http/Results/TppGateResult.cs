using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace TppGate.Http.Results;

/// <summary>
/// A response every host can return: an <see cref="IResult"/> for minimal APIs (the local host) and an
/// <see cref="IActionResult"/> for the Functions worker's ASP.NET Core integration. Writes JSON or problem+json.
/// </summary>
public sealed class TppGateResult : IResult, IActionResult
{
    private readonly int _status;
    private readonly object? _body;
    private readonly string _contentType;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;
    private readonly byte[]? _json;

    private TppGateResult(int status, object? body, string contentType, IReadOnlyList<KeyValuePair<string, string>>? headers, bool render = false)
    {
        _status = status;
        _body = body;
        _contentType = contentType;
        _headers = headers ?? [];
        _json = render && body is not null ? JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), HttpJsonContext.Default) : null;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode => _status;

    /// <summary>The body object (a DTO), for tests of the handlers themselves.</summary>
    public object? Body => _body;

    /// <summary>A JSON body.</summary>
    public static TppGateResult Json(int status, object body, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
        => new(status, body, "application/json; charset=utf-8", headers);

    /// <summary>A JSON answer serialized once, to be written many times (the warm allow).</summary>
    public static TppGateResult Rendered(int status, object body, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
        => new(status, body, "application/json; charset=utf-8", headers, render: true);

    /// <summary>An RFC 9457 problem with a stable code and the request's trace id; no internals.</summary>
    public static TppGateResult Problem(HttpContext context, int status, string code, string title)
    {
        ArgumentNullException.ThrowIfNull(context);
        var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        return new(status, new ProblemBody("urn:tppgate:error:" + code, title, status, code, traceId), "application/problem+json; charset=utf-8", null);
    }

    /// <summary>A 409 problem that also shows the binding in the way (decision 0010: registration never edits one).</summary>
    public static TppGateResult Conflict(HttpContext context, string code, string title, Admin.BindingView current)
    {
        ArgumentNullException.ThrowIfNull(context);
        var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        return new(409, new ConflictProblemBody("urn:tppgate:error:" + code, title, 409, code, traceId, current), "application/problem+json; charset=utf-8", null);
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = _status;
        response.Headers.CacheControl = "no-store";
        foreach (var (name, value) in _headers)
        {
            response.Headers[name] = value;
        }

        if (_body is null)
        {
            return;
        }

        // One buffer with a Content-Length: one write, no chunked framing, no extra flush on the hot path.
        var json = _json ?? JsonSerializer.SerializeToUtf8Bytes(_body, _body.GetType(), HttpJsonContext.Default);
        response.ContentType = _contentType;
        response.ContentLength = json.Length;
        await response.Body.WriteAsync(json, httpContext.RequestAborted);
    }

    /// <inheritdoc />
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExecuteAsync(context.HttpContext);
    }
}

/// <summary>The problem+json body.</summary>
public sealed record ProblemBody(string Type, string Title, int Status, string Code, string TraceId);

/// <summary>A 409 problem with the binding that is in the way.</summary>
public sealed record ConflictProblemBody(string Type, string Title, int Status, string Code, string TraceId, Admin.BindingView Binding);
