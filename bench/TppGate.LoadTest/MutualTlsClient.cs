using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.LoadTest;

/// <summary>
/// HttpClients that present the TPP certificate in the TLS handshake, accept only the dev PKI's localhost
/// certificate, keep connections alive, and refuse to connect anywhere but a loopback address.
/// </summary>
internal static class MutualTlsClient
{
    public static HttpClient Create(X509Certificate2? clientCertificate, byte[] pinnedServerCertificate, Version version, ConnectionCounter? connections = null)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = int.MaxValue,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ConnectCallback = async (context, cancellationToken) =>
            {
                if (!IPAddress.TryParse(context.DnsEndPoint.Host, out var address) || !IPAddress.IsLoopback(address))
                {
                    throw new InvalidOperationException($"The load run only targets loopback addresses, not {context.DnsEndPoint.Host}.");
                }

                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                connections?.Opened();
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                // The dev PKI's localhost certificate is the only server certificate accepted (the target is an IP, so no name check).
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(pinnedServerCertificate),
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            },
        };
        return new HttpClient(handler)
        {
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>Requires <paramref name="uri"/> to name a loopback IP address.</summary>
    public static Uri Loopback(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address)
            ? uri
            : throw new ArgumentException($"The load run only targets 127.0.0.1, not {uri.Host}.", nameof(uri));
    }
}

/// <summary>Counts TCP connections opened, to show keep-alive held (connections = workers, not requests).</summary>
internal sealed class ConnectionCounter
{
    private long _opened;

    public long Count => Interlocked.Read(ref _opened);

    public void Opened() => Interlocked.Increment(ref _opened);
}
