using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TppGate.Core.Eidas;
using TppGate.Http.Hosting;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using TppGate.Testing.Revocation;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>
/// QTSP revocation on by default (decision 0009), through the local host over real mutual TLS: the CRL cache
/// is filled from the fixture's shared CRL store or a loopback CRL server, and refreshed by the host's refresher.
/// </summary>
public sealed class QtspRevocationTests(LocalRunFixture local)
{
    [Fact]
    public async Task Qwac_revoked_by_its_qtsp_is_certificate_revoked_over_mutual_tls_and_cannot_be_registered()
    {
        var bound = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"qtsp-revoked-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation));
        var unbound = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"qtsp-revoked-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation));
        var client = NewClient();
        await local.RegisterAsync(client, bound);
        Assert.Equal((HttpStatusCode.OK, null), await PresentAsync(local, bound, client, "accounts"));

        CatalogueCrls.Publish(local.Crls, bound, unbound);
        await RefreshAsync();

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_REVOKED"), await PresentAsync(local, bound, client, "accounts"));
        await AssertRegistrationRefusedAsync(local, unbound, HttpStatusCode.BadRequest, "CERTIFICATE_REVOKED");
    }

    [Fact]
    public async Task Qwac_naming_no_crl_is_certificate_invalid_while_revocation_is_checked()
    {
        var silent = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"no-crl-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with { OmitCrlDistributionPoint = true });

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await PresentAsync(local, silent, NewClient(), "accounts"));
        await AssertRegistrationRefusedAsync(local, silent, HttpStatusCode.BadRequest, "CERTIFICATE_INVALID");
    }

    [Fact]
    public async Task Qwac_whose_crl_cannot_be_fetched_is_service_unavailable_at_the_authorizer_and_at_registration()
    {
        var unreachable = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"crl-down-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with { CrlDistributionPoint = CrlServer.ClosedUrl() });

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), await PresentAsync(local, unreachable, NewClient(), "accounts"));
        await AssertRegistrationRefusedAsync(local, unreachable, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
    }

    [Fact]
    public async Task Qwac_from_a_loopback_crl_server_is_fetched_once_after_its_chain_validates()
    {
        await using var server = new CrlServer();
        var url = server.NewUrl();
        var qwac = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"crl-server-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with { CrlDistributionPoint = url });
        server.Publish(url, local.Catalogue.IssuingCa.PublishCrl([qwac], DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1)));

        // An untrusted look-alike naming the same URL must not make the host fetch anything.
        var stranger = local.Catalogue.UntrustedIssuingCa.Issue(CertificateProfile.Qwac($"crl-server-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with { CrlDistributionPoint = url });
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await PresentAsync(local, stranger, NewClient(), "accounts"));
        Assert.Equal(0, server.Requests);

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_REVOKED"), await PresentAsync(local, qwac, NewClient(), "accounts"));
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_REVOKED"), await PresentAsync(local, qwac, NewClient(), "accounts"));
        Assert.Equal(1, server.Requests);
    }

    private Task RefreshAsync()
        => local.Run.App.Services.GetServices<IHostedService>().OfType<CrlRefresherService>().Single().RefreshOnceAsync(Ct);
}
