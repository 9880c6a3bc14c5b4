namespace TppGate.Conformance.Tests;

/// <summary>The rows of CASES.md "pkilint/": real QWACs edited to break one PSD2 rule each.</summary>
public sealed class PkilintCases
{
    private const string Prefix = "pkilint/psd2_eidas_pre_certificate__";

    [Fact]
    public void Good_roles_parse_cleanly()
    {
        var r = Corpus.Inspect($"{Prefix}psp_roles_good.pem").Report;

        Assert.Equal("PSDNL-DNB-R161162", r.Str("organizationIdentifier", "value"));
        Assert.NotEmpty(r.Strings("qcStatements", "psd2", "roles"));
        Assert.DoesNotContain(r.FindingCodes(), c => c.StartsWith("PSD2_", StringComparison.Ordinal) || c.StartsWith("ORGID_", StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_RolesOfPSP_is_reported_and_leaves_no_role()
    {
        var r = Corpus.Inspect($"{Prefix}psp_roles_empty.pem").Report;

        Assert.Empty(r.Strings("qcStatements", "psd2", "roles"));
        Assert.Contains(Codes.RolesEmpty, r.FindingCodes());
    }

    [Theory]
    [InlineData("psp_invalid_oid", Codes.RoleOidUnknown)]
    [InlineData("psp_invalid_role", Codes.RoleNameNonstandard)]
    [InlineData("psp_not_unspecified", Codes.RoleOidUnknown)]
    [InlineData("psp_role_mismatch", Codes.RoleNameMismatch)]
    [InlineData("nca_id_badiso", Codes.NcaIdInvalid)]
    [InlineData("nca_id_badstructure", Codes.NcaIdInvalid)]
    [InlineData("nca_id_invalidid", Codes.NcaIdInvalid)]
    [InlineData("nca_name_not_latin", Codes.NcaNameInvalid)]
    public void Deviation_is_reported_as_a_finding(string caseName, string code)
    {
        var r = Corpus.Inspect($"{Prefix}{caseName}.pem").Report;

        Assert.Contains(code, r.FindingCodes());
    }

    [Theory]
    [InlineData("semantics_info_nra_missing")]
    [InlineData("semantics_info_nra_uri_missing")]
    public void OrgId_without_a_scheme_is_malformed_not_PSD(string caseName)
    {
        // "XX:GR-18050" has no 3-letter scheme at all: malformed (EN 319 412-1 5.1.4), so it is no PSD identifier either.
        var r = Corpus.Inspect($"{Prefix}{caseName}.pem").Report;

        Assert.Equal("XX:GR-18050", r.Str("organizationIdentifier", "value"));
        Assert.Null(r.Str("organizationIdentifier", "scheme"));
        Assert.Contains(Codes.OrgIdMalformed, r.FindingCodes());
    }

    [Fact]
    public void Invalid_orgId_scheme_is_reported()
    {
        var r = Corpus.Inspect("pkilint/psd2_eidas_final_certificate__invalid_orgid_scheme.pem").Report;

        Assert.Equal("PADFR-ACPR-30748", r.Str("organizationIdentifier", "value"));
        Assert.Contains(Codes.OrgIdNotPsd, r.FindingCodes());
    }

    [Fact]
    public void Role_name_mismatch_does_not_grant_the_named_role()
    {
        // The name says PSP_AS, the OID says PSP_AI: the OID decides, and the bank role is never granted by a name.
        var r = Corpus.Inspect($"{Prefix}psp_role_mismatch.pem").Report;

        Assert.DoesNotContain("PSP_AS", r.Strings("qcStatements", "psd2", "roles"));
    }
}
