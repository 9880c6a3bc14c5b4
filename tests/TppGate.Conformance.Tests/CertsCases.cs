using System.Text.Json;

namespace TppGate.Conformance.Tests;

/// <summary>The rows of CASES.md "certs/": real production and test certificates.</summary>
public sealed class CertsCases
{
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    [Fact]
    public void MULTICERT_QWAC_of_SafeConnect_reads_as_CASES_says()
    {
        var r = Corpus.Inspect("certs/qwac-safeconnect-gb-fca.cer").Report;

        Assert.Equal("e6a4684786b16020e112c623b20cd9094c630bc68b581989c1a74967573d8940", r.Str("thumbprints", "sha256"));
        Assert.Equal("PSDGB-FCA-827001", r.Str("organizationIdentifier", "value"));
        Assert.Equal("PSD", r.Str("organizationIdentifier", "scheme"));
        Assert.Equal("GB", r.Str("organizationIdentifier", "country"));
        Assert.Equal("FCA", r.Str("organizationIdentifier", "authority"));
        Assert.Equal("827001", r.Str("organizationIdentifier", "authorizationNumber"));
        Assert.Matches("^PSD[A-Z]{2}-[A-Z]{2,8}-.*$", r.Str("organizationIdentifier", "value"));
        var qc = r.GetProperty("qcStatements");
        Assert.True(qc.GetProperty("compliance").GetBoolean());
        Assert.Equal(["web"], qc.Strings("types"));
        Assert.Equal(7, qc.GetProperty("retentionPeriodYears").GetInt32());
        Assert.Equal(["en", "pt"], qc.GetProperty("pdsLocations").EnumerateArray().Select(p => p.Str("language")!).Order());
        Assert.Equal(["PSP_AI", "PSP_PI"], qc.Strings("psd2", "roles").Order());
        Assert.Equal("Financial Conduct Authority", qc.Str("psd2", "ncaName"));
        Assert.Equal("GB-FCA", qc.Str("psd2", "ncaId"));
        Assert.Equal([ServerAuth, ClientAuth], r.Strings("extendedKeyUsage"));
        Assert.Equal(["api.yapily.com", "api.gosafeconnect.com"], r.Strings("subjectAlternativeNames"));
        Assert.Equal("2021-09-17T22:59:59Z", r.Str("notAfter"));
    }

    [Fact]
    public void Buypass_QWAC_of_Kevin_reads_as_CASES_says()
    {
        var r = Corpus.Inspect("certs/qwac-kevin-lt-bl.pem").Report;

        Assert.Equal("09995cb9f118955a1b87cd5255c5e29e12f6f6e22f696073cbfba6f49bd188c2", r.Str("thumbprints", "sha256"));
        Assert.Equal("PSDLT-BL-LB000458", r.Str("organizationIdentifier", "value"));
        Assert.Equal("LB000458", r.Str("organizationIdentifier", "authorizationNumber"));
        Assert.Contains("CN=api.getkevin.eu", r.Str("subject"), StringComparison.Ordinal);
        var psd2 = r.GetProperty("qcStatements").GetProperty("psd2");
        Assert.Equal(["PSP_AI", "PSP_IC", "PSP_PI"], psd2.Strings("roles").Order());
        Assert.Equal("Bank of Lithuania", psd2.Str("ncaName"));
        Assert.Equal("LT-BL", psd2.Str("ncaId"));
        Assert.Equal(["api.getkevin.eu", "dev-api.getkevin.eu", "sandbox-api.getkevin.eu"], r.Strings("subjectAlternativeNames"));
    }

    [Fact]
    public void ForgeRock_OBWAC_has_PSD2_roles_but_no_QcCompliance()
    {
        var r = Corpus.Inspect("certs/obwac-forgerock-gb.pem").Report;

        Assert.Equal("f5060761e9b6da09cfa0b08b94b7968d3a8d09ebaf25006a56a05c6a16099f31", r.Str("thumbprints", "sha256"));
        Assert.Equal("PSDGB-OB-Unknown0015800001041REAAY", r.Str("organizationIdentifier", "value"));
        Assert.Contains("CN=0015800001041REAAY", r.Str("subject"), StringComparison.Ordinal);
        var qc = r.GetProperty("qcStatements");
        Assert.False(qc.GetProperty("compliance").GetBoolean());
        Assert.Equal(["web"], qc.Strings("types"));
        Assert.Equal(["PSP_AI", "PSP_PI"], qc.Strings("psd2", "roles").Order());
        Assert.Equal("GB-FCA", qc.Str("psd2", "ncaId"));
    }

    [Fact]
    public void Test_bank_OBWAC_has_the_AI_role_only()
    {
        var r = Corpus.Inspect("certs/obwac-test-bank-gb.pem").Report;

        Assert.Equal("41d50effac3a3d92797843a339bed0712c5998d2bccec462a700647bbf09c65c", r.Str("thumbprints", "sha256"));
        Assert.Equal("PSDGB-TEST-123456", r.Str("organizationIdentifier", "value"));
        Assert.Contains("CN=0015800001HQQrpAAH", r.Str("subject"), StringComparison.Ordinal);
        var qc = r.GetProperty("qcStatements");
        Assert.Equal(["web"], qc.Strings("types"));
        Assert.Equal(["PSP_AI"], qc.Strings("psd2", "roles"));
        Assert.Equal("Financial Conduct Authority", qc.Str("psd2", "ncaName"));
        Assert.Equal("GB-FCA", qc.Str("psd2", "ncaId"));
    }

    [Fact]
    public void Nonstandard_role_names_are_reported_while_the_role_OIDs_still_count()
    {
        var r = Corpus.Inspect("certs/nonstandard-role-names.pem").Report;

        Assert.Equal("PSDGB-FFA-5e32851b7b78610010ca821a", r.Str("organizationIdentifier", "value"));
        var qc = r.GetProperty("qcStatements");
        Assert.Equal(["web"], qc.Strings("types"));
        Assert.Equal(["PSP_AI", "PSP_IC", "PSP_PI"], qc.Strings("psd2", "roles").Order());
        Assert.Equal("GB-FFA", qc.Str("psd2", "ncaId"));
        Assert.Contains(Codes.RoleNameNonstandard, r.FindingCodes());
    }

    [Fact]
    public void Plain_certificate_has_no_PSD2_content()
    {
        var r = Corpus.Inspect("certs/plain-no-psd2.pem").Report;

        Assert.Equal(JsonValueKind.Null, r.GetProperty("qcStatements").ValueKind);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("organizationIdentifier").ValueKind);
    }

    [Fact]
    public void Legacy_Open_Banking_transport_certificate_has_no_orgId_and_keeps_the_id_in_OU()
    {
        var r = Corpus.Inspect("certs/ob-legacy-transport.pem").Report;

        Assert.Equal(JsonValueKind.Null, r.GetProperty("qcStatements").ValueKind);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("organizationIdentifier").ValueKind);
        Assert.Contains("OU=0015800001041REAAY", r.Str("subject"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("certs/ob-test-issuing-ca.cer", "CN=Open Banking Test Issuing CA", "c5ec31fb4e98d1bd52e224f6c75b7b431ca36ec3e75e928311fac4c4f5221c88")]
    [InlineData("certs/ob-test-root-ca.cer", "CN=Open Banking Test Root CA", "96b9948690987a5db69052456b18fe1a7badae194a0bb28821042dd768e3b6ff")]
    public void Open_Banking_test_CAs_are_read(string file, string cn, string sha256)
    {
        var r = Corpus.Inspect(file).Report;

        Assert.Contains(cn, r.Str("subject"), StringComparison.Ordinal);
        Assert.Equal(sha256, r.Str("thumbprints", "sha256"));
    }

    [Fact]
    public void Open_Banking_test_CAs_do_not_anchor_the_pre_production_OBWACs()
    {
        // CASES.md calls these CAs the OB certificates' issuers; the OBWACs name "OpenBanking Pre-Production Issuing CA".
        var r = Corpus.Inspect("certs/obwac-forgerock-gb.pem", "--anchors", "corpus:certs/ob-test-root-ca.cer", "--anchors", "corpus:certs/ob-test-issuing-ca.cer", "--at", "2021-06-01T00:00:00Z").Report;

        Assert.False(r.GetProperty("chain").GetProperty("trusted").GetBoolean());
        Assert.Equal(["Untrusted"], r.Strings("chain", "reasons"));
        Assert.Equal("CERTIFICATE_INVALID", r.Str("chain", "code"));
    }

    [Fact]
    public void RFC_8705_appendix_A_certificate_has_the_published_x5t_S256()
    {
        var r = Corpus.Inspect("certs/rfc8705-appendix-a.pem").Report;

        Assert.Equal("A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0", r.Str("thumbprints", "x5tS256"));
        Assert.Equal("CN=mtls", r.Str("subject"));
        Assert.Equal("CN=mtls", r.Str("issuer"));
        Assert.Equal("0380ed2f626650c840b2f263e6d2b29fae12ab39ae5db32b25ad27efad72e6fd", r.Str("thumbprints", "sha256"));
    }
}
