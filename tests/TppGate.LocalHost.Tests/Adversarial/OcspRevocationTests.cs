using System.Net;
using TppGate.Core.Eidas;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using TppGate.Testing.Revocation;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>
/// OCSP for QWACs that name a responder but no CRL distribution point (decision 0017), through the local host's
/// composition over real mutual TLS, against a real responder (<c>openssl ocsp</c> on loopback).
/// </summary>
public sealed class OcspRevocationTests(LocalRunFixture local)
{
    [Fact]
    public async Task Qwac_its_ocsp_responder_calls_revoked_is_certificate_revoked_at_the_authorizer_and_at_registration()
    {
        using var responder = new OpenSslOcspResponder();
        var good = Issue("ocsp-good", responder.Url);
        var revoked = Issue("ocsp-revoked", responder.Url);
        var revokedUnbound = Issue("ocsp-revoked", responder.Url);
        await responder.StartAsync(local.Catalogue.IssuingCa.Certificate, local.Catalogue.IssuingCa.Certificate, [good], [revoked, revokedUnbound], TimeSpan.FromMinutes(30));
        var client = NewClient();
        await local.RegisterAsync(client, good);

        Assert.Equal((HttpStatusCode.OK, null), await PresentAsync(local, good, client, "accounts"));
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_REVOKED"), await PresentAsync(local, revoked, client, "accounts"));
        await AssertRegistrationRefusedAsync(local, revokedUnbound, HttpStatusCode.BadRequest, "CERTIFICATE_REVOKED");
    }

    [Fact]
    public async Task Qwac_whose_ocsp_responder_is_down_is_service_unavailable_at_the_authorizer_and_at_registration()
    {
        var unreachable = Issue("ocsp-down", OpenSslOcspResponder.ClosedUrl());

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), await PresentAsync(local, unreachable, NewClient(), "accounts"));
        await AssertRegistrationRefusedAsync(local, unreachable, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
    }

    [Fact]
    public async Task Qwac_its_ocsp_responder_does_not_know_is_service_unavailable()
    {
        using var responder = new OpenSslOcspResponder();
        var stranger = Issue("ocsp-unknown", responder.Url);
        await responder.StartAsync(local.Catalogue.IssuingCa.Certificate, local.Catalogue.IssuingCa.Certificate, [], [], TimeSpan.FromMinutes(30));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), await PresentAsync(local, stranger, NewClient(), "accounts"));
    }

    private System.Security.Cryptography.X509Certificates.X509Certificate2 Issue(string prefix, string ocspUrl)
        => local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"{prefix}-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with { OmitCrlDistributionPoint = true, OcspUrl = ocspUrl });
}
