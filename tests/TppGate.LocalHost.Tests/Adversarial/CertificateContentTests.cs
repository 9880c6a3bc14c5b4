using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Eidas;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>
/// Certificates that are well-formed but must not pass: presented over real mutual TLS (or, where the attacker
/// has no private key, forwarded by the trusted forwarder). Each is also refused by the admin API, so nothing
/// is stored, and the authorizer keeps denying.
/// </summary>
public sealed class CertificateContentTests(LocalRunFixture local)
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    private CertificateCatalogue Catalogue => local.Catalogue;

    [Theory]
    [InlineData(CatalogueCertificate.ServerAuthOnly, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.QSealC, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.UnknownCriticalExtension, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.NoQcStatements, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.NoPsd2Statement, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.MalformedQcStatements, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.MalformedPsd2Statement, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.EmptyRoles, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.RoleNameMismatch, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.RoleOidUnspecified, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.FromUntrustedRoot, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.IssuedByLeaf, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.IssuedByAttackerIntermediate, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.Expired, "CERTIFICATE_EXPIRED")]
    [InlineData(CatalogueCertificate.NotYetValid, "CERTIFICATE_EXPIRED")]
    [InlineData(CatalogueCertificate.NoQcCompliance, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.NoQcTypeWeb, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.EndEntityIsCa, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.DuplicateExtension, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.BerBooleanTrue, "CERTIFICATE_INVALID")]
    public async Task Unusable_certificate_is_denied_over_mutual_tls_and_cannot_be_registered(CatalogueCertificate name, string code)
    {
        var certificate = Catalogue[name];

        Assert.Equal((HttpStatusCode.Unauthorized, code), await PresentAsync(local, certificate, NewClient()));
        await AssertRegistrationRefusedAsync(local, certificate, HttpStatusCode.BadRequest, code);
        Assert.Equal((HttpStatusCode.Unauthorized, code), await PresentAsync(local, certificate, NewClient()));
    }

    [Fact]
    public async Task Rsa_1024_sha1_certificate_is_refused_by_tls_itself_and_certificate_invalid_via_forwarder()
    {
        var weak = Catalogue[CatalogueCertificate.WeakRsa1024Sha1];

        // OpenSSL's security level will not even let a client offer a 1024-bit key in the handshake.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => PresentAsync(local, weak, NewClient()));
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await ForwardAsync(local, Rfc(weak), NewClient()));
        await AssertRegistrationRefusedAsync(local, weak, HttpStatusCode.BadRequest, "CERTIFICATE_INVALID");
    }

    [Fact]
    public async Task Certificate_without_any_eku_extension_is_certificate_invalid_because_client_auth_is_required()
    {
        // RFC 5280 reads a missing EKU as "any purpose"; TppGate requires clientAuth to be present (decision 0005).
        var noEku = Catalogue[CatalogueCertificate.NoExtendedKeyUsage];
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await PresentAsync(local, noEku, NewClient()));
        await AssertRegistrationRefusedAsync(local, noEku, HttpStatusCode.BadRequest, "CERTIFICATE_INVALID");
    }

    [Fact]
    public async Task Self_signed_certificate_copying_a_registered_subject_serial_and_extensions_is_certificate_invalid()
    {
        var victim = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("victim-copy.tpp.example", Psd2Role.AccountInformation));
        var client = NewClient();
        await local.RegisterAsync(client, victim);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(victim.SubjectName, key, HashAlgorithmName.SHA256);
        foreach (var extension in victim.Extensions.Where(e => e.Oid?.Value != "2.5.29.35"))
        {
            request.CertificateExtensions.Add(extension);
        }

        using var forged = request.Create(victim.IssuerName, X509SignatureGenerator.CreateForECDsa(key), victim.NotBefore, victim.NotAfter, victim.GetSerialNumber().Reverse().ToArray());
        using var forgedWithKey = forged.CopyWithPrivateKey(key);
        Assert.Equal(victim.Subject, forgedWithKey.Subject);
        Assert.Equal(victim.SerialNumber, forgedWithKey.SerialNumber);

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await PresentAsync(local, forgedWithKey, client));
        await AssertRegistrationRefusedAsync(local, forgedWithKey, HttpStatusCode.BadRequest, "CERTIFICATE_INVALID");
    }

    [Fact]
    public async Task Self_signed_ca_certificate_that_is_not_an_anchor_is_certificate_invalid()
    {
        using var root = QtspAuthority.CreateRoot("Look-alike Root", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await PresentAsync(local, root.Certificate, NewClient()));
        await AssertRegistrationRefusedAsync(local, root.Certificate, HttpStatusCode.BadRequest, "CERTIFICATE_INVALID");
    }

    [Fact]
    public async Task Publicly_trusted_ca_certificate_from_the_machine_store_is_certificate_invalid_via_forwarder()
    {
        var file = Directory.Exists("/etc/ssl/certs") ? Directory.EnumerateFiles("/etc/ssl/certs", "*.pem").Order(StringComparer.Ordinal).FirstOrDefault() : null;
        Assert.SkipWhen(file is null, "no /etc/ssl/certs on this machine");
        using var publicRoot = X509CertificateLoader.LoadCertificateFromFile(file!);

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await ForwardAsync(local, ":" + Convert.ToBase64String(publicRoot.RawData) + ":", NewClient()));
        await AssertRegistrationRefusedAsync(local, publicRoot, HttpStatusCode.BadRequest, "CERTIFICATE_INVALID");
    }

    [Fact]
    public async Task Attacker_intermediate_supplied_in_client_cert_chain_is_certificate_invalid_via_forwarder()
    {
        var leaf = Catalogue[CatalogueCertificate.IssuedByAttackerIntermediate];
        var intermediate = Catalogue[CatalogueCertificate.AttackerIntermediate];

        var answer = await ForwardAsync(local, Rfc(leaf), NewClient(), chain: Rfc(intermediate) + ", " + Rfc(Catalogue.IssuingCa.Certificate));

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), answer);
    }

    [Fact]
    public async Task Leaf_used_as_a_ca_supplied_in_client_cert_chain_is_certificate_invalid_via_forwarder()
    {
        var leaf = Catalogue[CatalogueCertificate.IssuedByLeaf];
        var notACa = Catalogue.IssuerOf(CatalogueCertificate.IssuedByLeaf).Certificate;

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await ForwardAsync(local, Rfc(leaf), NewClient(), chain: Rfc(notACa)));
    }

    [Fact]
    public async Task Leaf_one_minute_inside_the_clock_skew_after_expiry_is_allowed()
    {
        var now = DateTimeOffset.UtcNow;
        var leaf = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("skew-in.tpp.example", Psd2Role.AccountInformation) with
        {
            NotBefore = now.AddDays(-30),
            NotAfter = now - Skew + TimeSpan.FromMinutes(1),
        });
        var client = NewClient();
        await local.RegisterAsync(client, leaf);

        Assert.Equal(HttpStatusCode.OK, (await PresentAsync(local, leaf, client)).Status);
    }

    [Fact]
    public async Task Leaf_one_minute_past_the_clock_skew_after_expiry_is_certificate_expired()
    {
        var now = DateTimeOffset.UtcNow;
        var leaf = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("skew-out.tpp.example", Psd2Role.AccountInformation) with
        {
            NotBefore = now.AddDays(-30),
            NotAfter = now - Skew - TimeSpan.FromMinutes(1),
        });

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_EXPIRED"), await PresentAsync(local, leaf, NewClient()));
        await AssertRegistrationRefusedAsync(local, leaf, HttpStatusCode.BadRequest, "CERTIFICATE_EXPIRED");
    }

    [Fact]
    public async Task Leaf_valid_one_minute_inside_the_skew_before_not_before_is_allowed_and_one_minute_outside_is_expired()
    {
        var now = DateTimeOffset.UtcNow;
        var inside = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("early-in.tpp.example", Psd2Role.AccountInformation) with
        {
            NotBefore = now + Skew - TimeSpan.FromMinutes(1),
            NotAfter = now.AddDays(30),
        });
        var outside = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("early-out.tpp.example", Psd2Role.AccountInformation) with
        {
            NotBefore = now + Skew + TimeSpan.FromMinutes(1),
            NotAfter = now.AddDays(30),
        });
        var client = NewClient();
        await local.RegisterAsync(client, inside);

        Assert.Equal(HttpStatusCode.OK, (await PresentAsync(local, inside, client)).Status);
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_EXPIRED"), await PresentAsync(local, outside, NewClient()));
        await AssertRegistrationRefusedAsync(local, outside, HttpStatusCode.BadRequest, "CERTIFICATE_EXPIRED");
    }

    [Fact]
    public async Task Intermediate_expired_past_the_skew_is_certificate_expired_and_inside_the_skew_reaches_the_binding_check_via_forwarder()
    {
        var now = DateTimeOffset.UtcNow;
        using var expiredCa = Catalogue.Root.CreateIssuingCa("Expired Issuing CA", now.AddYears(-1), now - Skew - TimeSpan.FromMinutes(1));
        await using var crls = new TppGate.Testing.Revocation.CrlServer();
        var crlUrl = crls.NewUrl();
        using var edgeCa = Catalogue.Root.CreateIssuingCa("Edge Issuing CA", now.AddYears(-1), now - Skew + TimeSpan.FromMinutes(1), publishesCrlAt: crlUrl);
        crls.Publish(crlUrl, edgeCa.PublishCrl([], now.AddMinutes(-1), now.AddDays(1)));
        var profile = CertificateProfile.Qwac("under-expired-ca.tpp.example", Psd2Role.AccountInformation) with { NotBefore = now.AddDays(-1), NotAfter = now.AddDays(30) };
        var underExpired = expiredCa.Issue(profile);
        var underEdge = edgeCa.Issue(profile);

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_EXPIRED"), await ForwardAsync(local, Rfc(underExpired), NewClient(), chain: Rfc(expiredCa.Certificate)));

        // Inside the skew the chain is good: the only reason left to deny is that nobody registered it.
        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), await ForwardAsync(local, Rfc(underEdge), NewClient(), chain: Rfc(edgeCa.Certificate)));
    }

    [Fact]
    public async Task Api_role_missing_from_the_certificate_is_role_invalid()
    {
        var leaf = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("pi-only.tpp.example", Psd2Role.PaymentInitiation));
        var client = NewClient();
        await local.RegisterAsync(client, leaf);

        Assert.Equal((HttpStatusCode.Forbidden, "ROLE_INVALID"), await PresentAsync(local, leaf, client, api: "accounts"));
        Assert.Equal((HttpStatusCode.Forbidden, "ROLE_INVALID"), await PresentAsync(local, leaf, client, api: "funds-confirmations"));
        Assert.Equal(HttpStatusCode.OK, (await PresentAsync(local, leaf, client, api: "payments")).Status);
    }

    /// <summary>
    /// Documented behaviour (docs/reliability.md): these are findings of the eIDAS reader, not denies. The bank
    /// bound the certificate to the client knowingly; the PSD2 roles are what the authorizer enforces.
    /// </summary>
    [Theory]
    [InlineData(CatalogueCertificate.OrganizationIdentifierMalformed)]
    [InlineData(CatalogueCertificate.OrganizationIdentifierPsdMalformed)]
    [InlineData(CatalogueCertificate.OrganizationIdentifierNotPsd)]
    [InlineData(CatalogueCertificate.DuplicateQcStatements)]
    public async Task Certificate_with_only_eidas_findings_is_allowed_once_registered(CatalogueCertificate name)
    {
        var profile = Catalogue.Profile(name) with { CommonName = $"finding-{Guid.NewGuid():N}.tpp.example" };
        var leaf = Catalogue.IssuingCa.Issue(profile);
        var client = NewClient();

        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), await PresentAsync(local, leaf, client));
        await local.RegisterAsync(client, leaf);

        Assert.Equal(HttpStatusCode.OK, (await PresentAsync(local, leaf, client, api: "accounts")).Status);
    }

    /// <summary>A PSD2 statement whose NCAName breaks its SIZE (1..256) bound or holds a NUL is malformed (decision 0005).</summary>
    [Theory]
    [InlineData(CatalogueCertificate.NcaNameTooLong)]
    [InlineData(CatalogueCertificate.NcaNameWithNul)]
    public async Task Certificate_whose_nca_name_breaks_the_psd2_statement_is_certificate_invalid(CatalogueCertificate name)
    {
        var leaf = Catalogue[name];
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await PresentAsync(local, leaf, NewClient()));
        await AssertRegistrationRefusedAsync(local, leaf, HttpStatusCode.BadRequest, "CERTIFICATE_INVALID");
    }

    private static string Rfc(X509Certificate2 certificate) => ":" + Convert.ToBase64String(certificate.RawData) + ":";
}
