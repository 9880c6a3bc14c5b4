using System.Text.Json;
using TppGate.Pki;

namespace TppGate.Cli.Tests;

/// <summary>inspect on eIDAS QWACs from the shared test catalogue: the eIDAS/PSD2 fields of the JSON report.</summary>
public sealed class InspectQwacTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tppgate-cli-qwac-").FullName;

    public void Dispose() => Directory.Delete(folder, true);

    private string Write(CatalogueCertificate name)
    {
        var path = Path.Combine(folder, name + ".pem");
        File.WriteAllText(path, PkiExport.CertificatePem(CertificateCatalogue.Shared[name]));
        return path;
    }

    [Fact]
    public void QWAC_report_carries_orgId_qcStatements_and_PSD2_roles()
    {
        var json = CliRunner.Run("inspect", Write(CatalogueCertificate.QwacAiPi), "--json").Json;

        var orgId = json.GetProperty("organizationIdentifier");
        Assert.Equal("PSDGB-FCA-300003", orgId.GetProperty("value").GetString());
        Assert.Equal("PSD", orgId.GetProperty("scheme").GetString());
        Assert.Equal("GB", orgId.GetProperty("country").GetString());
        Assert.Equal("FCA", orgId.GetProperty("authority").GetString());
        Assert.Equal("300003", orgId.GetProperty("authorizationNumber").GetString());
        var qc = json.GetProperty("qcStatements");
        Assert.True(qc.GetProperty("compliance").GetBoolean());
        Assert.Equal(["web"], qc.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(15, qc.GetProperty("retentionPeriodYears").GetInt32());
        Assert.Equal(1, qc.GetProperty("pdsLocations").GetArrayLength());
        var psd2 = qc.GetProperty("psd2");
        Assert.Equal(["PSP_AI", "PSP_PI"], psd2.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Financial Conduct Authority", psd2.GetProperty("ncaName").GetString());
        Assert.Equal("GB-FCA", psd2.GetProperty("ncaId").GetString());
        Assert.Empty(json.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public void Certificate_without_qcStatements_reports_null()
    {
        var json = CliRunner.Run("inspect", Write(CatalogueCertificate.NoQcStatements), "--json").Json;

        Assert.Equal(JsonValueKind.Null, json.GetProperty("qcStatements").ValueKind);
    }

    [Fact]
    public void Empty_roles_are_a_finding_in_the_report()
    {
        var json = CliRunner.Run("inspect", Write(CatalogueCertificate.EmptyRoles), "--json").Json;

        Assert.Empty(json.GetProperty("qcStatements").GetProperty("psd2").GetProperty("roles").EnumerateArray());
        Assert.NotEmpty(json.GetProperty("findings").EnumerateArray());
        Assert.All(json.GetProperty("findings").EnumerateArray(), f => Assert.Matches("^[A-Z0-9_]+$", f.GetProperty("code").GetString()));
    }
}
