using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TppGate.Azure.KeyVault;
using TppGate.Core.Trust.Revocation;
using TppGate.Http.Hosting;
using TppGate.Testing.Revocation;

namespace TppGate.Functions.Tests.Support;

/// <summary>
/// The Functions app as App Service runs it, minus the Functions host: a worker host built by
/// <see cref="TppGateFunctionsApp.Configure"/> (the code Program.cs runs) with App Service's settings in its
/// configuration. Requests are routed by the worker's own generated function metadata (route, methods), the
/// function class is created from the host's service provider as the worker's activator does, its entry point
/// is invoked with a real <see cref="HttpContext"/>, and the returned <see cref="IActionResult"/> is executed
/// as the ASP.NET Core integration executes it.
/// </summary>
public sealed class FunctionsAppHost : IAsyncDisposable
{
    /// <summary>The Functions host's default route prefix (host.json sets none).</summary>
    public const string RoutePrefix = "api";

    private readonly IHost _host;
    private readonly List<IHostedService> _started = [];
    private readonly IReadOnlyList<HttpFunction> _functions;

    private FunctionsAppHost(IHost host, IReadOnlyList<HttpFunction> functions)
    {
        _host = host;
        _functions = functions;
    }

    /// <summary>The built host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The HTTP functions the worker's metadata declares.</summary>
    public IReadOnlyList<HttpFunction> Functions => _functions;

    /// <summary>
    /// Builds the app from its composition with <paramref name="settings"/> as App Service's app settings
    /// (environment variables such as <c>WEBSITE_AUTH_ENABLED</c> included), and starts TppGate's own hosted
    /// services (the change feed, anchor refresh); the worker's gRPC channel to the Functions host is not started.
    /// </summary>
    public static async Task<FunctionsAppHost> StartAsync(IReadOnlyDictionary<string, string?> settings, bool startServices = true, Action<IServiceCollection>? addServices = null)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        TppGateFunctionsApp.Configure(builder);

        // The catalogue's CRL distribution points (crl.tppgate.test) never resolve here: the CRLs come from a shared
        // CRL store seeded with the catalogue's current CRLs, verified against their CAs like any downloaded CRL.
        builder.Services.AddSingleton<ICrlStore>(CatalogueCrls.Store());
        addServices?.Invoke(builder.Services);
        var host = builder.Build();
        var functions = await ReadMetadataAsync(host.Services);
        var app = new FunctionsAppHost(host, functions);
        if (startServices)
        {
            // ValidateOnStart runs here, as in Run(): options that break invariants stop the app.
            host.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
            foreach (var service in host.Services.GetServices<IHostedService>().Where(s => s is BindingChangeWatcherService or KeyVaultTrustAnchorRefreshService))
            {
                await service.StartAsync(TestContext.Current.CancellationToken);
                app._started.Add(service);
            }
        }

        return app;
    }

    /// <summary>The worker's function metadata: the provider the SDK generated from the [Function] attributes.</summary>
    public static async Task<IReadOnlyList<HttpFunction>> ReadMetadataAsync(IServiceProvider services)
    {
        // The SDK's generated provider is registered by an auto-startup the worker runs for the entry assembly
        // (TppGate.Functions in Azure; the test runner here), so the test asks the generated type directly when
        // the host holds the default provider.
        var provider = services.GetService<IFunctionMetadataProvider>() is GeneratedFunctionMetadataProvider generated
            ? generated
            : new GeneratedFunctionMetadataProvider();
        var metadata = await provider.GetFunctionMetadataAsync(AppContext.BaseDirectory);
        return [.. metadata.Select(HttpFunction.From).OfType<HttpFunction>()];
    }

    /// <summary>Sends one request to the function whose route and method match, as the Functions host would.</summary>
    public async Task<FunctionResponse> SendAsync(string method, string target, IEnumerable<KeyValuePair<string, string>>? headers = null, string? body = null, string? contentType = null)
    {
        var queryStart = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? target : target[..queryStart];
        var path = Uri.UnescapeDataString(rawPath);
        var match = Match(method, NormalizeDotSegments(path));
        if (match is null)
        {
            return new FunctionResponse(404, null, "", new Dictionary<string, string>(), null);
        }

        await using var scope = _host.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var request = context.Request;
        request.Method = method;
        request.Scheme = "https";
        request.Host = new HostString("tppgate.azurewebsites.net");
        request.Path = NormalizeDotSegments(path);
        request.QueryString = queryStart < 0 ? QueryString.Empty : new QueryString(target[queryStart..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.Append(name, value);
        }

        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
            request.ContentType = contentType ?? "application/json";
        }

        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;
        foreach (var (name, value) in match.Value.Values)
        {
            request.RouteValues[name] = value;
        }

        var function = match.Value.Function;
        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Type);
        var arguments = function.Method.GetParameters()
            .Select(p => p.ParameterType == typeof(HttpRequest) ? request : (object?)match.Value.Values[p.Name!]?.ToString())
            .ToArray();
        var returned = function.Method.Invoke(instance, arguments);
        var result = returned switch
        {
            Task<IActionResult> task => await task,
            IActionResult actionResult => actionResult,
            _ => throw new InvalidOperationException($"{function.Name} returned {returned?.GetType().Name ?? "null"}"),
        };
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(request.RouteValues), new ActionDescriptor()));

        var text = Encoding.UTF8.GetString(responseBody.ToArray());
        var responseHeaders = context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        JsonElement? json = text.Length > 0 && (context.Response.ContentType ?? "").Contains("json", StringComparison.Ordinal)
            ? JsonDocument.Parse(text).RootElement.Clone()
            : null;
        return new FunctionResponse(context.Response.StatusCode, context.Response.ContentType, text, responseHeaders, json) { FunctionName = function.Name };
    }

    private (HttpFunction Function, RouteValueDictionary Values)? Match(string method, string path)
    {
        foreach (var function in _functions)
        {
            if (!function.Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var values = new RouteValueDictionary();
            if (function.Matcher.TryMatch(path, values))
            {
                return (function, values);
            }
        }

        return null;
    }

    // As Kestrel does for the Path it hands to the app (RFC 3986 section 5.2.4); the raw target keeps the original.
    private static string NormalizeDotSegments(string path)
    {
        var output = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (output.Count > 1)
                {
                    output.RemoveAt(output.Count - 1);
                }

                continue;
            }

            output.Add(segment);
        }

        return string.Join('/', output);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_started))
        {
            await service.StopAsync(CancellationToken.None);
        }

        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}

/// <summary>One HTTP-triggered function as the worker's metadata declares it.</summary>
public sealed record HttpFunction(string Name, string EntryPoint, string Route, IReadOnlyList<string> Methods, string AuthLevel, Type Type, MethodInfo Method, TemplateMatcher Matcher)
{
    /// <summary>Reads an HTTP function from worker metadata; null for other triggers.</summary>
    public static HttpFunction? From(IFunctionMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        foreach (var raw in metadata.RawBindings ?? [])
        {
            using var binding = JsonDocument.Parse(raw);
            var root = binding.RootElement;
            if (root.GetProperty("type").GetString() != "httpTrigger")
            {
                continue;
            }

            var route = root.GetProperty("route").GetString()!;
            var methods = root.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToArray();
            var entryPoint = metadata.EntryPoint!;
            var split = entryPoint.LastIndexOf('.');
            var type = typeof(TppGateFunctionsApp).Assembly.GetType(entryPoint[..split], throwOnError: true)!;
            var method = type.GetMethod(entryPoint[(split + 1)..])!;
            var template = TemplateParser.Parse($"{FunctionsAppHost.RoutePrefix}/{route}");
            var matcher = new TemplateMatcher(template, new RouteValueDictionary());
            return new HttpFunction(metadata.Name!, entryPoint, $"/{FunctionsAppHost.RoutePrefix}/{route}", methods, root.GetProperty("authLevel").GetString()!, type, method, matcher);
        }

        return null;
    }
}

/// <summary>What a function answered.</summary>
public sealed record FunctionResponse(int Status, string? ContentType, string Text, IReadOnlyDictionary<string, string> Headers, JsonElement? Json)
{
    /// <summary>The function that answered; null when no route matched (404 from the host).</summary>
    public string? FunctionName { get; init; }

    /// <summary>The problem code, when the answer is a problem.</summary>
    public string? Code => Json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty("code", out var c) ? c.GetString() : null;
}
