using System.Net;
using System.Net.Sockets;

namespace TppGate.Testing.Revocation;

/// <summary>Serves CRLs over real HTTP on 127.0.0.1, each at a unique path so OpenSSL's on-disk CRL cache never answers.</summary>
public sealed class CrlServer : IAsyncDisposable
{
    private readonly HttpListener listener;
    private readonly Dictionary<string, byte[]> crls = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public CrlServer()
    {
        // A port found free can be taken by a parallel test before this listener binds it: try another.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                // Closing a listener that never bound may look the endpoint up again and fail the same way.
                try
                {
                    listener.Close();
                }
                catch (HttpListenerException)
                {
                }
            }
        }

        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public int Requests { get; private set; }

    /// <summary>A fresh URL on this server; publish a CRL at it with <see cref="Publish"/>.</summary>
    public string NewUrl() => $"http://127.0.0.1:{Port}/{Guid.NewGuid():N}.crl";

    public void Publish(string url, byte[] crl)
    {
        lock (crls)
        {
            crls[new Uri(url).AbsolutePath] = crl;
        }
    }

    /// <summary>A URL on a loopback port where nothing listens.</summary>
    public static string ClosedUrl() => $"http://127.0.0.1:{FreePort()}/{Guid.NewGuid():N}.crl";

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            byte[]? body;
            lock (crls)
            {
                Requests++;
                crls.TryGetValue(context.Request.Url!.AbsolutePath, out body);
            }

            if (body is null)
            {
                context.Response.StatusCode = 404;
            }
            else
            {
                context.Response.ContentType = "application/pkix-crl";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
            }

            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();

        // Close only: on Linux, Stop() already releases the port, and a Close() after it looks the endpoint up
        // again, binding the port anew, which fails with "Address already in use" when a parallel test took it.
        listener.Close();
        try
        {
            await loop;
        }
        catch (ObjectDisposedException)
        {
        }

        stop.Dispose();
    }
}
