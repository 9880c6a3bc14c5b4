using System.Formats.Asn1;
using TppGate.Core.Asn1;
using TppGate.Core.Eidas;
using TppGate.Pki;

namespace TppGate.Core.Tests.Eidas;

public sealed class EidasReaderTests
{
    private static readonly CertificateCatalogue Catalogue = CertificateCatalogue.Shared;

    private static EidasProfile Read(CatalogueCertificate name) => EidasReader.Read(Catalogue[name]);

    private static Finding Single(EidasProfile profile, string code)
    {
        var finding = Assert.Single(profile.Findings);
        Assert.Equal(code, finding.Code);
        return finding;
    }

    [Fact]
    public void Clean_qwac_reads_every_statement_without_findings()
    {
        var profile = Read(CatalogueCertificate.QwacAiPi);

        Assert.Empty(profile.Findings);
        var qc = profile.QcStatements!;
        Assert.True(qc.Compliance);
        Assert.False(qc.Sscd);
        Assert.Equal(["web"], qc.Types);
        Assert.Equal(15, qc.RetentionPeriodYears);
        Assert.Equal([new PdsLocation("https://qtsp.example/pds_en.pdf", "en")], qc.PdsLocations);
        Assert.Equal([Psd2Role.AccountInformation, Psd2Role.PaymentInitiation], qc.Psd2!.Roles);
        Assert.Equal("Financial Conduct Authority", qc.Psd2.NcaName);
        Assert.Equal("GB-FCA", qc.Psd2.NcaId);
        Assert.True(profile.HasPsd2Roles);
        Assert.False(profile.IsSealOnly);
        Assert.Equal(new OrganizationIdentifier("PSDGB-FCA-300003", "PSD", "GB", "FCA", "300003"), profile.OrganizationIdentifier);
    }

    [Theory]
    [InlineData(CatalogueCertificate.QwacAi, Psd2Role.AccountInformation)]
    [InlineData(CatalogueCertificate.QwacPi, Psd2Role.PaymentInitiation)]
    [InlineData(CatalogueCertificate.QwacIc, Psd2Role.CardIssuing)]
    [InlineData(CatalogueCertificate.QwacAs, Psd2Role.AccountServicing)]
    public void Each_standard_role_is_read_from_its_oid(CatalogueCertificate name, Psd2Role role)
    {
        var profile = Read(name);
        Assert.Empty(profile.Findings);
        Assert.Equal([role], profile.QcStatements!.Psd2!.Roles);
    }

    [Fact]
    public void Realistic_rsa_qwac_with_sscd_two_pds_and_qc_syntax_v2_reads_cleanly()
    {
        var profile = Read(CatalogueCertificate.QwacRsaRealistic);
        Assert.Empty(profile.Findings);
        Assert.True(profile.QcStatements!.Sscd);
        Assert.Equal(7, profile.QcStatements.RetentionPeriodYears);
        Assert.Equal(["en", "pt"], profile.QcStatements.PdsLocations.Select(p => p.Language));
    }

    [Fact]
    public void Seal_certificate_is_seal_only()
    {
        var profile = Read(CatalogueCertificate.QSealC);
        Assert.Equal(["eseal"], profile.QcStatements!.Types);
        Assert.True(profile.IsSealOnly);
    }

    [Fact]
    public void Certificate_without_qc_statements_has_none_and_no_finding()
    {
        var profile = Read(CatalogueCertificate.NoQcStatements);
        Assert.Null(profile.QcStatements);
        Assert.Empty(profile.Findings);
        Assert.False(profile.HasPsd2Roles);
    }

    [Fact]
    public void Qc_statements_without_psd2_statement_has_no_roles()
    {
        var profile = Read(CatalogueCertificate.NoPsd2Statement);
        Assert.Empty(profile.Findings);
        Assert.Null(profile.QcStatements!.Psd2);
        Assert.False(profile.HasPsd2Roles);
    }

    [Fact]
    public void Single_statement_form_is_read_leniently_and_reported()
    {
        var profile = Read(CatalogueCertificate.SingleQcStatementForm);

        // The single form keeps only the PSD2 statement, so QcCompliance and QcType web are gone too.
        Assert.Equal([FindingCodes.QcStatementsSingleForm, FindingCodes.QcComplianceMissing, FindingCodes.QcTypeWebMissing], profile.Findings.Select(f => f.Code));
        Assert.Contains("RFC 3739", profile.Findings[0].Message, StringComparison.Ordinal);
        Assert.Equal([Psd2Role.AccountInformation], profile.QcStatements!.Psd2!.Roles);
    }

    [Fact]
    public void Duplicate_statements_are_reported_and_the_first_is_used()
    {
        var profile = Read(CatalogueCertificate.DuplicateQcStatements);
        Assert.All(profile.Findings, f => Assert.Equal(FindingCodes.QcStatementDuplicate, f.Code));
        Assert.Contains(profile.Findings, f => f.Message.Contains(Oids.Psd2Statement, StringComparison.Ordinal));
        Assert.Equal([Psd2Role.AccountInformation], profile.QcStatements!.Psd2!.Roles);
    }

    [Fact]
    public void Malformed_qc_statements_give_no_statements_and_a_finding()
    {
        var profile = Read(CatalogueCertificate.MalformedQcStatements);

        // The value is cut short, so it is not DER either.
        Assert.Equal([FindingCodes.QcStatementsMalformed, FindingCodes.CertificateNotDer], profile.Findings.Select(f => f.Code));
        Assert.Null(profile.QcStatements);
    }

    [Fact]
    public void Malformed_psd2_statement_gives_no_roles_and_a_finding()
    {
        var profile = Read(CatalogueCertificate.MalformedPsd2Statement);
        Assert.Contains("TS 119 495", Single(profile, FindingCodes.Psd2StatementMalformed).Message, StringComparison.Ordinal);
        Assert.True(profile.QcStatements!.Compliance);
        Assert.Null(profile.QcStatements.Psd2);
    }

    [Fact]
    public void Malformed_known_statement_is_reported_and_others_still_read()
    {
        var badRetention = QcStatementsEncoder.Statement(Oids.QcRetentionPeriod, Utf8("seven"));
        var value = Sequence(QcStatementsEncoder.Statement(Oids.QcCompliance, default), badRetention);
        var findings = new List<Finding>();

        var qc = EidasReader.ReadQcStatements(value, findings);

        Assert.True(qc!.Compliance);
        Assert.Null(qc.RetentionPeriodYears);
        Assert.Equal(FindingCodes.QcStatementsMalformed, Assert.Single(findings).Code);
    }

    [Fact]
    public void Unknown_statements_are_tolerated_silently()
    {
        var value = Sequence(
            QcStatementsEncoder.Statement("1.3.6.1.5.5.7.11.2", Sequence()),
            QcStatementsEncoder.Statement("0.4.0.1862.1.2", Utf8("limit")),
            QcStatementsEncoder.Statement(Oids.QcCompliance, default));
        var findings = new List<Finding>();

        var qc = EidasReader.ReadQcStatements(value, findings);

        Assert.Empty(findings);
        Assert.True(qc!.Compliance);
    }

    [Fact]
    public void Empty_roles_are_reported_per_gen_5_2_2_1()
    {
        var profile = Read(CatalogueCertificate.EmptyRoles);
        Assert.Contains("GEN-5.2.2-1", Single(profile, FindingCodes.Psd2RolesEmpty).Message, StringComparison.Ordinal);
        Assert.False(profile.HasPsd2Roles);
    }

    [Theory]
    [InlineData(CatalogueCertificate.RoleOidUnspecified, "0.4.0.19495.1.0")]
    [InlineData(CatalogueCertificate.RoleOidOutOfRange, "0.4.0.19495.1.5")]
    public void Role_oid_outside_the_four_roles_is_reported_and_not_granted(CatalogueCertificate name, string oid)
    {
        var profile = Read(name);
        var finding = Single(profile, FindingCodes.Psd2RoleOidUnknown);
        Assert.Contains(oid, finding.Message, StringComparison.Ordinal);
        Assert.Contains("GEN-5.2-2", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(profile.QcStatements!.Psd2!.Roles, r => (int)r is < 1 or > 4);
        Assert.Equal(name == CatalogueCertificate.RoleOidOutOfRange ? [Psd2Role.AccountInformation] : [], profile.QcStatements.Psd2.Roles);
    }

    [Fact]
    public void Standard_name_on_another_roles_oid_is_a_mismatch_and_grants_nothing()
    {
        var profile = Read(CatalogueCertificate.RoleNameMismatch);
        Assert.Contains("GEN-5.2.2-5", Single(profile, FindingCodes.Psd2RoleNameMismatch).Message, StringComparison.Ordinal);
        Assert.Empty(profile.QcStatements!.Psd2!.Roles);
    }

    [Fact]
    public void Nonstandard_names_on_standard_oids_keep_the_roles_and_are_reported()
    {
        var profile = Read(CatalogueCertificate.NonStandardRoleNames);
        Assert.Equal(2, profile.Findings.Count);
        Assert.All(profile.Findings, f => Assert.Equal(FindingCodes.Psd2RoleNameNonstandard, f.Code));
        Assert.Equal([Psd2Role.AccountInformation, Psd2Role.PaymentInitiation], profile.QcStatements!.Psd2!.Roles);
    }

    [Fact]
    public void Unknown_role_name_on_a_standard_oid_is_nonstandard()
    {
        var profile = Read(CatalogueCertificate.UnknownRoleName);
        Assert.Contains("PSP_AI_invalid", Single(profile, FindingCodes.Psd2RoleNameNonstandard).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_role_is_reported_once_and_granted_once()
    {
        var profile = EidasReader.Read(Catalogue.IssuingCa.Issue(Catalogue.Profile(CatalogueCertificate.QwacAi) with
        {
            CommonName = "dup-role.tpp.example",
            Roles = Psd2RoleEntry.Of(Psd2Role.AccountInformation, Psd2Role.AccountInformation),
        }));
        Single(profile, FindingCodes.Psd2RoleDuplicate);
        Assert.Equal([Psd2Role.AccountInformation], profile.QcStatements!.Psd2!.Roles);
    }

    [Theory]
    [InlineData(CatalogueCertificate.NcaIdNoHyphen, "structure")]
    [InlineData(CatalogueCertificate.NcaIdBadCountry, "ISO 3166")]
    [InlineData(CatalogueCertificate.NcaIdBadAuthority, "2-8 capital")]
    public void Invalid_nca_id_is_reported_per_gen_5_2_3_2(CatalogueCertificate name, string reason)
    {
        var finding = Single(Read(name), FindingCodes.Psd2NcaIdInvalid);
        Assert.Contains(reason, finding.Message, StringComparison.Ordinal);
        Assert.Contains("GEN-5.2.3-2", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CatalogueCertificate.NcaNameTooLong)]
    [InlineData(CatalogueCertificate.NcaNameWithNul)]
    [InlineData(CatalogueCertificate.NcaNameNotLatin)]
    public void Invalid_nca_name_is_reported_per_gen_5_2_3_1(CatalogueCertificate name)
    {
        var finding = Single(Read(name), FindingCodes.Psd2NcaNameInvalid);
        Assert.Contains("GEN-5.2.3-1", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', finding.Message);
    }

    [Fact]
    public void Psd2_certificate_without_organization_identifier_is_reported()
    {
        var profile = Read(CatalogueCertificate.NoOrganizationIdentifier);
        Single(profile, FindingCodes.OrgIdMissing);
        Assert.Null(profile.OrganizationIdentifier);
    }

    [Fact]
    public void Vat_organization_identifier_keeps_its_scheme_and_is_not_psd()
    {
        var profile = Read(CatalogueCertificate.OrganizationIdentifierVat);
        Single(profile, FindingCodes.OrgIdNotPsd);
        Assert.Equal(new OrganizationIdentifier("VATGB-123456789", "VAT", "GB", null, "123456789"), profile.OrganizationIdentifier);
    }

    [Fact]
    public void Unknown_scheme_organization_identifier_is_not_psd()
    {
        var profile = Read(CatalogueCertificate.OrganizationIdentifierNotPsd);
        Assert.Contains("GEN-5.2.1-3", Single(profile, FindingCodes.OrgIdNotPsd).Message, StringComparison.Ordinal);
        Assert.Equal("PAD", profile.OrganizationIdentifier!.Scheme);
    }

    [Fact]
    public void Organization_identifier_without_a_scheme_is_malformed_with_no_scheme()
    {
        var profile = Read(CatalogueCertificate.OrganizationIdentifierMalformed);
        Single(profile, FindingCodes.OrgIdMalformed);
        Assert.Equal(new OrganizationIdentifier("XX:GR-18050", null, null, null, null), profile.OrganizationIdentifier);
    }

    [Fact]
    public void Psd_organization_identifier_with_a_one_letter_nca_is_malformed()
    {
        var profile = Read(CatalogueCertificate.OrganizationIdentifierPsdMalformed);
        Single(profile, FindingCodes.OrgIdMalformed);
        Assert.Equal("PSD", profile.OrganizationIdentifier!.Scheme);
        Assert.Null(profile.OrganizationIdentifier.Authority);
    }

    [Theory]
    [InlineData("PSDDE-BAFIN-115162", "DE", "BAFIN", "115162")]
    [InlineData("PSDGB-OB-Unknown0015800001041REAAY", "GB", "OB", "Unknown0015800001041REAAY")]
    [InlineData("PSDLT-BL-LB000458", "LT", "BL", "LB000458")]
    public void Psd_organization_identifiers_split_into_country_nca_and_number(string value, string country, string nca, string number)
    {
        var findings = new List<Finding>();
        Assert.Equal(new OrganizationIdentifier(value, "PSD", country, nca, number), EidasReader.ParseOrganizationIdentifier(value, findings));
        Assert.Empty(findings);
    }

    [Fact]
    public void Organization_identifier_with_an_unassigned_country_is_malformed()
    {
        var findings = new List<Finding>();
        EidasReader.ParseOrganizationIdentifier("PSDXY-FCA-1", findings);
        Assert.Equal(FindingCodes.OrgIdMalformed, Assert.Single(findings).Code);
    }

    [Fact]
    public void Iso_3166_table_holds_the_249_assigned_codes()
    {
        Assert.Equal(249, Iso3166.Count);
        Assert.True(Iso3166.IsAssigned("GB"));
        Assert.True(Iso3166.IsAssigned("DE"));
        Assert.False(Iso3166.IsAssigned("XY"));
        Assert.False(Iso3166.IsAssigned("UK"));
        Assert.False(Iso3166.IsAssigned("gb"));
    }

    [Fact]
    public void Every_catalogue_certificate_reads_without_throwing()
    {
        foreach (var name in Enum.GetValues<CatalogueCertificate>())
        {
            Assert.NotNull(Read(name));
        }
    }

    private static byte[] Utf8(string text)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteCharacterString(UniversalTagNumber.UTF8String, text);
        return w.Encode();
    }

    private static byte[] Sequence(params byte[][] items)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            foreach (var item in items)
            {
                w.WriteEncodedValue(item);
            }
        }

        return w.Encode();
    }
}
