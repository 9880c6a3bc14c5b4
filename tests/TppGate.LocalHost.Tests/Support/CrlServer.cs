using System.Net;
using System.Net.Sockets;

namespace TppGate.LocalHost.Tests.Support;

/// <summary>Serves CRLs over HTTP on 127.0.0.1, each at a fresh path (OpenSSL caches fetched CRLs by URL).</summary>
public sealed class CrlServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _crls = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public CrlServer()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string NewUrl() => $"http://127.0.0.1:{Port}/{Guid.NewGuid():N}.crl";

    /// <summary>A URL on a loopback port where nothing listens.</summary>
    public static string ClosedUrl() => $"http://127.0.0.1:{FreePort()}/{Guid.NewGuid():N}.crl";

    public void Publish(string url, byte[] crl)
    {
        lock (_crls)
        {
            _crls[new Uri(url).AbsolutePath] = crl;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
            // Stopping the listener ends the loop this way.
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            byte[]? body;
            lock (_crls)
            {
                _crls.TryGetValue(context.Request.Url!.AbsolutePath, out body);
            }

            context.Response.StatusCode = body is null ? 404 : 200;
            if (body is not null)
            {
                context.Response.ContentType = "application/pkix-crl";
                await context.Response.OutputStream.WriteAsync(body);
            }

            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
