using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TppGate.Azure.Tables;
using TppGate.Core.Eidas;
using TppGate.Functions.Functions;
using TppGate.Functions.Tests.Support;
using TppGate.Http.Callers;
using TppGate.Http.Telemetry;
using TppGate.Pki;
using TppGate.Testing.Azurite;
using TppGate.Testing.Logging;

namespace TppGate.Functions.Tests.Functions;

/// <summary>
/// Issue 10 item 1: the admin app's daily <c>ExpiryReport</c> timer, composed as deployed, against Azurite with
/// bindings registered through the admin API: its log lines and the <c>tppgate.bindings.expiring</c> gauge the
/// certificates-expiring alert reads.
/// </summary>
public sealed class ExpiryReportTests(AzuriteInstance azurite)
{
    private const string Gauge = "tppgate.bindings.expiring";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_report_logs_each_active_binding_expiring_within_the_window_and_publishes_their_count()
    {
        var logs = new LogCapture();
        var settings = AppService.Settings(azurite, "Admin");
        settings["Logging:LogLevel:TppGate"] = "Information";
        await using var admin = await FunctionsAppHost.StartAsync(settings, addServices: s => s.AddSingleton<ILoggerProvider>(logs));
        using var metrics = new MetricCapture(admin.Services.GetRequiredService<TppGateMetrics>().Meter);
        var now = DateTimeOffset.UtcNow;
        using var soon = Issue(now.AddDays(10));
        using var later = Issue(now.AddDays(200));
        using var revoked = Issue(now.AddDays(5));

        // A line separator in a client_id would end a log line: the report writes it escaped, as every log does.
        var soonClient = "exp-" + Guid.NewGuid().ToString("N")[..8] + "\u2028forged";
        await RegisterAsync(admin, soonClient, soon);
        await RegisterAsync(admin, "exp-later-" + Guid.NewGuid().ToString("N")[..8], later);
        var revokedClient = "exp-revoked-" + Guid.NewGuid().ToString("N")[..8];
        await RegisterAsync(admin, revokedClient, revoked);
        var revoke = await admin.SendAsync("POST", $"/api/bindings/{revokedClient}/{Core.Certificates.CertificateThumbprints.Of(revoked).X5tS256}/revoke", [AppService.Principal(Caller.AdminRole)], """{"reason":"expiry report test"}""");
        Assert.Equal(200, revoke.Status);
        Assert.Empty(metrics.Observe(Gauge));

        await ActivatorUtilities.CreateInstance<ExpiryReport>(admin.Services).Run(new TimerInfo(), Ct);

        var expiring = Assert.Single(logs.Entries, e => e.EventName == "BindingExpiring");
        Assert.Equal(LogLevel.Warning, expiring.Level);
        Assert.Contains(soonClient.Replace("\u2028", "\\u2028", StringComparison.Ordinal), expiring.Message, StringComparison.Ordinal);
        Assert.Contains(PkiExport.Sha256Hex(soon), expiring.Message, StringComparison.Ordinal);
        Assert.Contains(soon.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), expiring.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains('\u2028', StringComparison.Ordinal));
        var report = logs.Entries.Where(e => e.EventName is "BindingExpiring" or "BindingExpired" or "ExpiryReport").ToArray();
        Assert.DoesNotContain(report, e => e.Message.Contains(PkiExport.Sha256Hex(later), StringComparison.Ordinal) || e.Message.Contains(PkiExport.Sha256Hex(revoked), StringComparison.Ordinal));
        var summary = Assert.Single(logs.Entries, e => e.EventName == "ExpiryReport");
        Assert.Contains("1 active bindings expire within 30 days", summary.Message, StringComparison.Ordinal);
        var count = Assert.Single(metrics.Observe(Gauge));
        Assert.Equal(1, count.Value);
        Assert.Empty(count.Tags);
    }

    [Fact]
    public async Task The_window_comes_from_configuration_and_a_value_out_of_range_stops_the_app()
    {
        var settings = AppService.Settings(azurite, "Admin");
        settings["ExpiryReport:WindowDays"] = "365";
        await using var admin = await FunctionsAppHost.StartAsync(settings);
        using var metrics = new MetricCapture(admin.Services.GetRequiredService<TppGateMetrics>().Meter);
        var now = DateTimeOffset.UtcNow;
        using var inAYear = Issue(now.AddDays(200));
        await RegisterAsync(admin, "exp-year-" + Guid.NewGuid().ToString("N")[..8], inAYear);

        await ActivatorUtilities.CreateInstance<ExpiryReport>(admin.Services).Run(new TimerInfo(), Ct);

        Assert.Equal(1, Assert.Single(metrics.Observe(Gauge)).Value);
        settings["ExpiryReport:WindowDays"] = "0";
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => FunctionsAppHost.StartAsync(settings));
        Assert.Contains("ExpiryReport:WindowDays", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storage_failure_is_logged_not_thrown_counted_as_a_storage_failure_and_leaves_the_gauge_absent()
    {
        var logs = new LogCapture();
        var settings = AppService.WithUnreachableStorage(AppService.Settings(azurite, "Admin"), azurite);
        await using var admin = await FunctionsAppHost.StartAsync(settings, addServices: s => s.AddSingleton<ILoggerProvider>(logs));
        using var metrics = new MetricCapture(admin.Services.GetRequiredService<TppGateMetrics>().Meter, admin.Services.GetRequiredService<TableStorageMetrics>().Meter);

        var report = ActivatorUtilities.CreateInstance<ExpiryReport>(admin.Services);
        await report.Run(new TimerInfo(), Ct);

        var failed = Assert.Single(logs.Entries, e => e.EventName == "ExpiryReportFailed");
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Empty(metrics.Observe(Gauge));

        // The app's change-feed poller shares the store's one table initialisation, so the first report can await an
        // attempt that failed, and was counted, before this capture listened. The next day's report starts its own.
        await report.Run(new TimerInfo(), Ct);
        Assert.Equal(2, logs.Entries.Count(e => e.EventName == "ExpiryReportFailed"));
        Assert.Empty(metrics.Observe(Gauge));
        Assert.Contains(metrics.Measurements, m => m.Instrument == "tppgate.storage.failures" && m.Tag("client") == "admin" && m.Tag("status") == "none");
    }

    [Fact]
    public async Task On_the_authorizer_app_the_timer_does_nothing()
    {
        var logs = new LogCapture();
        var settings = AppService.Settings(azurite, "Authorizer");
        settings["Logging:LogLevel:TppGate"] = "Information";
        await using var authorizer = await FunctionsAppHost.StartAsync(settings, addServices: s => s.AddSingleton<ILoggerProvider>(logs));
        using var metrics = new MetricCapture(authorizer.Services.GetRequiredService<TppGateMetrics>().Meter);

        await ActivatorUtilities.CreateInstance<ExpiryReport>(authorizer.Services).Run(new TimerInfo(), Ct);

        Assert.DoesNotContain(logs.Entries, e => e.EventName is "ExpiryReport" or "ExpiryReportFailed");
        Assert.Empty(metrics.Observe(Gauge));
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 Issue(DateTimeOffset notAfter)
        => CertificateCatalogue.Shared.IssuingCa.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with
        {
            NotBefore = DateTimeOffset.UtcNow.AddDays(-1),
            NotAfter = notAfter,
        });

    private static async Task RegisterAsync(FunctionsAppHost admin, string clientId, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var register = await admin.SendAsync("POST", "/api/bindings", [AppService.Principal(Caller.AdminRole)], JsonSerializer.Serialize(new { clientId, certificate = PkiExport.CertificatePem(certificate) }));
        Assert.True(register.Status == 201, register.Text);
    }

}
