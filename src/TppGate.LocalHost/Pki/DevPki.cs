using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Asn1;
using TppGate.Core.Eidas;
using TppGate.Pki;

namespace TppGate.LocalHost.Pki;

/// <summary>
/// The local run's PKI, made on first run and kept as PEM files: a dev QTSP root and issuing CA (the trust
/// anchors), a sample TPP QWAC with PSP_AI and PSP_PI and its key (for curl), the TLS certificate of
/// https://localhost issued by the same root, and the issuing CA's CRL, which the local host serves at the
/// QWAC's CRL distribution point so revocation checking is on as in production.
/// </summary>
public sealed class DevPki
{
    private readonly Lock _publishLock = new();

    private DevPki(string folder, string crlUrl)
    {
        Folder = folder;
        CrlUrl = crlUrl;
    }

    /// <summary>The sample QWAC's CRL distribution point, served by the local host.</summary>
    public string CrlUrl { get; }

    /// <summary>The issuing CA's current CRL, DER.</summary>
    public string CrlPath => Path.Combine(Folder, "dev-issuing-ca.crl");

    /// <summary>The issuing CA's certificate, PEM.</summary>
    public string IssuingCaPath => Path.Combine(Folder, "qtsp-issuing-ca.pem");

    /// <summary>The issuing CA's private key, PKCS#8 PEM (the dev QTSP signs its CRLs with it).</summary>
    public string IssuingCaKeyPath => Path.Combine(Folder, "qtsp-issuing-ca.key");

    /// <summary>The folder holding the files.</summary>
    public string Folder { get; }

    /// <summary>Root and issuing CA, PEM: the trust anchors of the local run, and curl's --cacert.</summary>
    public string AnchorsPath => Path.Combine(Folder, "anchors.pem");

    /// <summary>The dev root alone, PEM.</summary>
    public string RootPath => Path.Combine(Folder, "qtsp-root.pem");

    /// <summary>The sample TPP QWAC, PEM.</summary>
    public string TppCertificatePath => Path.Combine(Folder, "tpp-qwac.pem");

    /// <summary>The sample TPP QWAC's private key, PKCS#8 PEM.</summary>
    public string TppKeyPath => Path.Combine(Folder, "tpp-qwac.key");

    /// <summary>The localhost TLS certificate, PEM.</summary>
    public string ServerCertificatePath => Path.Combine(Folder, "localhost.pem");

    /// <summary>The localhost TLS key, PKCS#8 PEM.</summary>
    public string ServerKeyPath => Path.Combine(Folder, "localhost.key");

    /// <summary>
    /// Loads the PKI in <paramref name="folder"/>, making it first when a file is missing, the QWAC expires within a
    /// day or names another CRL URL than <paramref name="crlUrl"/>; then publishes a fresh CRL (revoking nothing,
    /// or what was revoked before).
    /// </summary>
    public static DevPki Ensure(string folder, TimeProvider time, string crlUrl)
    {
        ArgumentNullException.ThrowIfNull(time);
        var pki = new DevPki(Path.GetFullPath(folder), crlUrl);
        if (!pki.IsUsable(time.GetUtcNow()))
        {
            pki.Create(time.GetUtcNow());
        }

        pki.PublishCrl(time.GetUtcNow(), revokeSample: File.Exists(pki.RevokedMarkerPath));
        return pki;
    }

    /// <summary>
    /// The dev QTSP publishes a new CRL, listing the sample QWAC when <paramref name="revokeSample"/>: the QTSP
    /// revocation the README flow shows. Valid for 7 days from <paramref name="now"/>.
    /// </summary>
    public void PublishCrl(DateTimeOffset now, bool revokeSample)
    {
        lock (_publishLock)
        {
            using var issuer = X509Certificate2.CreateFromPemFile(IssuingCaPath, IssuingCaKeyPath);
            using var authority = QtspAuthority.FromCertificate(issuer);
            using var qwac = X509CertificateLoader.LoadCertificateFromFile(TppCertificatePath);
            var crl = authority.PublishCrl(revokeSample ? [qwac] : [], now.AddMinutes(-1), now.AddDays(7), now.ToUnixTimeMilliseconds());
            File.WriteAllBytes(CrlPath, crl);
            if (revokeSample)
            {
                File.WriteAllText(RevokedMarkerPath, now.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    private string RevokedMarkerPath => Path.Combine(Folder, "tpp-qwac.revoked");

    /// <summary>The localhost TLS certificate with its key, for Kestrel.</summary>
    public X509Certificate2 LoadServerCertificate() => X509Certificate2.CreateFromPemFile(ServerCertificatePath, ServerKeyPath);

    /// <summary>The sample TPP QWAC with its key, for clients and tests.</summary>
    public X509Certificate2 LoadTppCertificate() => X509Certificate2.CreateFromPemFile(TppCertificatePath, TppKeyPath);

    private bool IsUsable(DateTimeOffset now)
    {
        string[] files = [AnchorsPath, RootPath, IssuingCaPath, IssuingCaKeyPath, TppCertificatePath, TppKeyPath, ServerCertificatePath, ServerKeyPath];
        if (!files.All(File.Exists))
        {
            return false;
        }

        using var qwac = X509CertificateLoader.LoadCertificateFromFile(TppCertificatePath);
        using var server = X509CertificateLoader.LoadCertificateFromFile(ServerCertificatePath);
        var crl = qwac.Extensions.OfType<X509Extension>().FirstOrDefault(e => e.Oid?.Value == "2.5.29.31");
        return qwac.NotAfter.ToUniversalTime() > now.UtcDateTime.AddDays(1) && server.NotAfter.ToUniversalTime() > now.UtcDateTime.AddDays(1)
            && crl is not null && crl.RawData.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(CrlUrl)) >= 0;
    }

    private void Create(DateTimeOffset now)
    {
        Directory.CreateDirectory(Folder);
        var notBefore = now.AddDays(-1);
        using var root = QtspAuthority.CreateRoot("TppGate Dev QTSP Root", notBefore, now.AddYears(5), organization: "TppGate Dev QTSP");
        using var issuing = root.CreateIssuingCa("TppGate Dev QTSP Issuing CA", notBefore, now.AddYears(5), publishesCrlAt: CrlUrl);
        using var qwac = issuing.Issue(CertificateProfile.Qwac("sample-tpp.localhost", Psd2Role.AccountInformation, Psd2Role.PaymentInitiation) with
        {
            Organization = "Sample TPP Ltd",
            OrganizationIdentifier = "PSDGB-FCA-000001",
            NotBefore = notBefore,
            NotAfter = now.AddYears(1),
        });
        using var server = root.Issue(new CertificateProfile
        {
            CommonName = "localhost",
            Organization = "TppGate local run",
            OrganizationIdentifier = null,
            DnsNames = ["localhost"],
            IncludeQcStatements = false,
            ExtendedKeyUsages = [Oids.ServerAuth],
            Policies = [],
            NotBefore = notBefore,
            NotAfter = now.AddYears(1),
        });

        Write(RootPath, PkiExport.CertificatePem(root.Certificate));
        Write(AnchorsPath, PkiExport.CertificatesPem([root.Certificate, issuing.Certificate]));
        Write(IssuingCaPath, PkiExport.CertificatePem(issuing.Certificate));
        Write(IssuingCaKeyPath, PkiExport.PrivateKeyPem(issuing.Certificate), secret: true);
        File.Delete(RevokedMarkerPath);
        Write(TppCertificatePath, PkiExport.CertificatePem(qwac));
        Write(TppKeyPath, PkiExport.PrivateKeyPem(qwac), secret: true);
        Write(ServerCertificatePath, PkiExport.CertificatePem(server));
        Write(ServerKeyPath, PkiExport.PrivateKeyPem(server), secret: true);
    }

    private static void Write(string path, string content, bool secret = false)
    {
        File.WriteAllText(path, content);
        if (secret && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
