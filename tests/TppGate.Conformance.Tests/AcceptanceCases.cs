using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Authorization;
using TppGate.Core.Eidas;

namespace TppGate.Conformance.Tests;

/// <summary>
/// The acceptance rule (decision 0009) against real certificates: the production QWACs keep the verdict they
/// had before the qualified profile and the X.509 structure rules were enforced, and every certificate the
/// new rules refuse is named here with the finding that says why.
/// </summary>
public sealed class AcceptanceCases
{
    public static TheoryData<string, bool, string?> Verdicts => new()
    {
        // Production QWACs (MULTICERT, Buypass): accepted before and after; no structure or qualified finding.
        { "certs/qwac-safeconnect-gb-fca.cer", true, null },
        { "certs/qwac-kevin-lt-bl.pem", true, null },
        { "certs/nonstandard-role-names.pem", true, null },
        { "pkilint/psd2_eidas_pre_certificate__psp_roles_good.pem", true, null },

        // Open Banking UK OBWACs are not EU qualified (QcType web, no QcCompliance). Accepted before, refused
        // now by default, with the finding; Authorizer:RequireQualified=false accepts them again (below).
        { "certs/obwac-forgerock-gb.pem", false, FindingCodes.QcComplianceMissing },
        { "certs/obwac-test-bank-gb.pem", false, FindingCodes.QcComplianceMissing },

        // Refused before and after: no PSD2 content at all.
        { "certs/plain-no-psd2.pem", false, null },
        { "certs/ob-legacy-transport.pem", false, null },
        { "certs/rfc8705-appendix-a.pem", false, null },

        // CA certificates: refused before (no PSD2 content) and now also as cA=TRUE end entities.
        { "certs/ob-test-issuing-ca.cer", false, FindingCodes.EndEntityIsCa },
        { "certs/ob-test-root-ca.cer", false, FindingCodes.EndEntityIsCa },
    };

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void Real_certificates_keep_their_verdicts_and_each_new_refusal_is_a_named_finding(string file, bool accepted, string? newFinding)
    {
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(Corpus.PathOf(file));
        var profile = EidasReader.Read(certificate);
        string[] newRuleCodes = [FindingCodes.CertificateNotDer, FindingCodes.ExtensionDuplicate, FindingCodes.EndEntityIsCa, FindingCodes.QcComplianceMissing, FindingCodes.QcTypeWebMissing];

        var refusal = Psd2Acceptance.Refusal(profile, new AuthorizerOptions());

        Assert.Equal(accepted, refusal is null);
        Assert.Equal(newFinding is null ? [] : [newFinding], profile.Findings.Select(f => f.Code).Where(newRuleCodes.Contains));
    }

    [Theory]
    [InlineData("certs/obwac-forgerock-gb.pem")]
    [InlineData("certs/obwac-test-bank-gb.pem")]
    public void Open_Banking_OBWACs_are_accepted_when_qualified_certificates_are_not_required(string file)
    {
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(Corpus.PathOf(file));

        Assert.Null(Psd2Acceptance.Refusal(EidasReader.Read(certificate), new AuthorizerOptions { RequireQualified = false }));
    }
}
