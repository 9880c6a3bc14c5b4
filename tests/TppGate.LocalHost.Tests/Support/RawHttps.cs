using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using TppGate.LocalHost.Hosting;

namespace TppGate.LocalHost.Tests.Support;

/// <summary>
/// HTTP/1.1 written by hand over mutual TLS, for what HttpClient will not send: the same header twice on two
/// lines, exact bytes on the wire.
/// </summary>
public static class RawHttps
{
    /// <summary>Sends a request with <paramref name="headers"/> as separate lines; returns the status and the body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(LocalRun run, X509Certificate2 clientCertificate, string method, string path, IEnumerable<(string Name, string Value)> headers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(headers);
        using var server = X509CertificateLoader.LoadCertificateFromFile(run.Pki.ServerCertificatePath);
        var pinned = server.RawData;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, run.Options.AuthorizerPort, cancellationToken);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(pinned));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [clientCertificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate,
        }, cancellationToken);

        var text = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: localhost:{run.Options.AuthorizerPort}\r\nConnection: close\r\nContent-Length: 0\r\n");
        foreach (var (name, value) in headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        text.Append("\r\n");
        await tls.WriteAsync(Encoding.Latin1.GetBytes(text.ToString()), cancellationToken);
        await tls.FlushAsync(cancellationToken);

        using var reader = new StreamReader(tls, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(cancellationToken);
        var status = (HttpStatusCode)int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, split < 0 ? "" : response[(split + 4)..]);
    }
}
