using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace TppGate.Testing.Revocation;

/// <summary>
/// A real OCSP responder: <c>openssl ocsp -index ... -port N</c>, started on a free port and stopped (by its
/// process id) on dispose. Its URL is known before it starts, so certificates can name it first.
/// </summary>
public sealed class OpenSslOcspResponder : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tppgate-ocsp-").FullName;
    private Process? _process;

    public OpenSslOcspResponder()
    {
        Port = FreePort();
        Url = $"http://127.0.0.1:{Port}/";
    }

    public int Port { get; }

    /// <summary>The responder's URL, to write into certificates as their AIA OCSP location.</summary>
    public string Url { get; }

    /// <summary>A URL on a loopback port where nothing listens.</summary>
    public static string ClosedUrl() => $"http://127.0.0.1:{FreePort()}/";

    /// <summary>
    /// Starts answering for certificates of <paramref name="issuer"/>: <paramref name="revoked"/> as revoked,
    /// <paramref name="good"/> as good, any other serial as unknown; signed by <paramref name="signer"/> (with its
    /// key), with nextUpdate <paramref name="validFor"/> after thisUpdate, or none when null.
    /// </summary>
    public async Task StartAsync(X509Certificate2 issuer, X509Certificate2 signer, IEnumerable<X509Certificate2> good, IEnumerable<X509Certificate2> revoked, TimeSpan? validFor, bool byKey = false)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(signer);
        var index = new StringBuilder();
        const string Expiry = "491231000000Z";
        foreach (var c in good)
        {
            index.Append(CultureInfo.InvariantCulture, $"V\t{Expiry}\t\t{Serial(c)}\tunknown\t/CN=good{index.Length}\n");
        }

        var revokedAt = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyMMddHHmmss'Z'", CultureInfo.InvariantCulture);
        foreach (var c in revoked)
        {
            index.Append(CultureInfo.InvariantCulture, $"R\t{Expiry}\t{revokedAt}\t{Serial(c)}\tunknown\t/CN=revoked{index.Length}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(_directory, "index.txt"), index.ToString());
        await File.WriteAllTextAsync(Path.Combine(_directory, "index.txt.attr"), "unique_subject = no\n");
        await File.WriteAllTextAsync(Path.Combine(_directory, "ca.pem"), issuer.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_directory, "rsigner.pem"), signer.ExportCertificatePem());
        using (var ec = signer.GetECDsaPrivateKey())
        using (var rsa = ec is null ? signer.GetRSAPrivateKey() : null)
        {
            var key = ec?.ExportPkcs8PrivateKeyPem() ?? rsa?.ExportPkcs8PrivateKeyPem() ?? throw new ArgumentException("The signer needs its private key.", nameof(signer));
            await File.WriteAllTextAsync(Path.Combine(_directory, "rkey.pem"), key);
        }

        var start = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "ocsp", "-index", "index.txt", "-CA", "ca.pem", "-rsigner", "rsigner.pem", "-rkey", "rkey.pem", "-port", Port.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        if (validFor is { } v)
        {
            start.ArgumentList.Add("-nmin");
            start.ArgumentList.Add(((int)Math.Ceiling(v.TotalMinutes)).ToString(CultureInfo.InvariantCulture));
        }

        if (byKey)
        {
            start.ArgumentList.Add("-resp_key_id");
        }

        // A probe connection would wedge the single-threaded responder: wait for it to say it listens instead.
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        _process.OutputDataReceived += (_, e) => Listening(e.Data, listening);
        _process.ErrorDataReceived += (_, e) => Listening(e.Data, listening);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(20))) != listening.Task)
        {
            throw new InvalidOperationException($"openssl ocsp did not listen on {Port}");
        }
    }

    private static void Listening(string? line, TaskCompletionSource listening)
    {
        if (line is not null && line.Contains("waiting for OCSP client connections", StringComparison.Ordinal))
        {
            listening.TrySetResult();
        }
    }

    public void Dispose()
    {
        if (_process is { } p)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill();
                    p.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // OpenSSL's index names a serial as BN_bn2hex does: upper-case hex without leading zero octets.
    private static string Serial(X509Certificate2 certificate)
    {
        var hex = certificate.SerialNumber;
        while (hex.Length > 2 && hex.StartsWith("00", StringComparison.Ordinal))
        {
            hex = hex[2..];
        }

        return hex;
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
