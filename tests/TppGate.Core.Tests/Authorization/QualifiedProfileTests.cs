using TppGate.Core.Authorization;
using TppGate.Core.Eidas;
using TppGate.Pki;

namespace TppGate.Core.Tests.Authorization;

/// <summary>Decision 0009: only a qualified QWAC with a strict X.509 structure is a TPP's client certificate.</summary>
public sealed class QualifiedProfileTests
{
    [Theory]
    [InlineData(CatalogueCertificate.NoQcCompliance, "QcCompliance")]
    [InlineData(CatalogueCertificate.NoQcTypeWeb, "QcType web")]
    [InlineData(CatalogueCertificate.EndEntityIsCa, "cA=TRUE")]
    [InlineData(CatalogueCertificate.DuplicateExtension, "more than once")]
    [InlineData(CatalogueCertificate.BerBooleanTrue, "BOOLEAN is encoded as 01")]
    public async Task A_bound_certificate_that_is_not_a_strict_qualified_qwac_is_certificate_invalid(CatalogueCertificate name, string why)
    {
        var h = new AuthorizerHarness();
        var certificate = CertificateCatalogue.Shared[name];
        await h.BindAsync("tpp-1", certificate);

        var decision = await h.AskAsync(certificate, "tpp-1", "accounts");

        Assert.False(decision.IsAllowed);
        Assert.Equal(DenyCode.CertificateInvalid, decision.Code);
        Assert.Contains(why, decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_qwac_is_still_allowed()
    {
        var h = new AuthorizerHarness();
        var certificate = CertificateCatalogue.Shared.QwacAi;
        await h.BindAsync("tpp-1", certificate);

        Assert.True((await h.AskAsync(certificate, "tpp-1", "accounts")).IsAllowed);
    }

    [Fact]
    public void The_deviating_certificates_differ_from_a_clean_one_only_where_they_say()
    {
        var clean = EidasReader.Read(CertificateCatalogue.Shared.QwacAi);
        Assert.Empty(clean.Findings);
        Assert.Equal([FindingCodes.ExtensionDuplicate], EidasReader.Read(CertificateCatalogue.Shared[CatalogueCertificate.DuplicateExtension]).Findings.Select(f => f.Code));
        Assert.Equal([FindingCodes.CertificateNotDer], EidasReader.Read(CertificateCatalogue.Shared[CatalogueCertificate.BerBooleanTrue]).Findings.Select(f => f.Code));
        Assert.Equal([FindingCodes.EndEntityIsCa], EidasReader.Read(CertificateCatalogue.Shared[CatalogueCertificate.EndEntityIsCa]).Findings.Select(f => f.Code));
    }

    [Fact]
    public void Without_the_qualified_requirement_a_psd2_certificate_without_qc_compliance_is_accepted_but_structure_rules_still_hold()
    {
        var options = new AuthorizerOptions { RequireQualified = false };

        Assert.Null(Psd2Acceptance.Refusal(EidasReader.Read(CertificateCatalogue.Shared[CatalogueCertificate.NoQcCompliance]), options));
        Assert.NotNull(Psd2Acceptance.Refusal(EidasReader.Read(CertificateCatalogue.Shared[CatalogueCertificate.BerBooleanTrue]), options));
    }
}
