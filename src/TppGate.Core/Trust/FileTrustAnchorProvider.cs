using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Trust;

/// <summary>
/// Trust anchors from a PEM file, or from a folder of <c>.pem</c>, <c>.cer</c> and <c>.crt</c> files (PEM or DER),
/// for the local host and the CLI. Loads once when created; <see cref="Reload"/> loads again.
/// </summary>
/// <remarks>
/// A PEM file carrying <see cref="TrustAnchorPem.NamedAnchorsLine"/> (what <c>tppgate anchors from-trusted-lists --out</c>
/// writes) makes every certificate in it an anchor, self-signed or not. A load that finds no anchor, or a file that cannot be read, leaves the previous set in place and
/// records the reason in <see cref="LastError"/>; <see cref="Current"/> stays null until a load succeeds.
/// Files holding a private key are refused: anchors are public material and a key beside them is a mistake.
/// </remarks>
public sealed class FileTrustAnchorProvider : ITrustAnchorProvider
{
    private static readonly string[] Extensions = [".pem", ".cer", ".crt"];
    private readonly string _path;
    private readonly TimeProvider _timeProvider;
    private TrustAnchorSet? _current;

    /// <summary>Creates the provider and loads <paramref name="path"/> once.</summary>
    /// <param name="path">A certificate file or a folder of certificate files.</param>
    /// <param name="timeProvider">Stamps <see cref="TrustAnchorSet.LoadedAt"/>; the system clock if null.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public FileTrustAnchorProvider(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Reload();
    }

    /// <inheritdoc />
    public TrustAnchorSet? Current => Volatile.Read(ref _current);

    /// <summary>Why the last load failed, or null if it succeeded.</summary>
    public string? LastError { get; private set; }

    /// <summary>Loads the file or folder again; on failure keeps the last good set.</summary>
    /// <returns>True if a new set was loaded.</returns>
    public bool Reload()
    {
        var files = File.Exists(_path)
            ? [_path]
            : Directory.Exists(_path)
                ? Directory.EnumerateFiles(_path)
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToArray()
                : null;
        if (files is null)
        {
            LastError = $"No file or folder at '{_path}'.";
            return false;
        }

        var certificates = new List<X509Certificate2>();
        var named = new List<X509Certificate2>();
        foreach (var file in files)
        {
            var error = ReadFile(file, certificates, named);
            if (error is not null)
            {
                LastError = error;
                return false;
            }
        }

        var set = new TrustAnchorSet(certificates, named, _timeProvider.GetUtcNow(), _path);
        if (set.Anchors.Count == 0)
        {
            LastError = $"'{_path}' holds no self-signed root certificate and no named-anchor bundle.";
            return false;
        }

        Volatile.Write(ref _current, set);
        LastError = null;
        return true;
    }

    private static string? ReadFile(string file, List<X509Certificate2> certificates, List<X509Certificate2> named)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"Cannot read '{file}': {e.Message}";
        }

        var text = System.Text.Encoding.ASCII.GetString(bytes);
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            if (text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                return $"'{file}' contains a private key; trust anchor files must hold certificates only.";
            }

            var collection = new X509Certificate2Collection();
            try
            {
                collection.ImportFromPem(text);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                return $"'{file}' is not a readable PEM certificate file: {e.Message}";
            }

            if (collection.Count == 0)
            {
                return $"'{file}' contains no PEM certificate.";
            }

            (TrustAnchorPem.NamesEveryCertificateAnAnchor(text) ? named : certificates).AddRange(collection);
            return null;
        }

        try
        {
            certificates.Add(X509CertificateLoader.LoadCertificate(bytes));
            return null;
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            return $"'{file}' is neither PEM nor a DER certificate: {e.Message}";
        }
    }
}
