using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using TppGate.Functions.Tests.Support;
using TppGate.Http.Telemetry;
using TppGate.Pki;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests;

/// <summary>Issue 10 item 3: the composed app's metrics, read with a <see cref="MeterListener"/> on this host's own meter.</summary>
public sealed class TppGateFunctionsAppMetricsTests(AzuriteInstance azurite)
{
    [Fact]
    public async Task A_deny_increments_the_decision_counter_with_its_code_and_records_a_duration_with_no_personal_labels()
    {
        await using var authorizer = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Authorizer"));
        var meter = authorizer.Services.GetRequiredService<TppGateMetrics>().Meter;
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
            where T : struct
            => measurements.Enqueue((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString())));
        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<double>(Record);
        listener.SetMeasurementEventCallback<int>(Record);
        listener.Start();

        var tpp = CertificateCatalogue.Shared.QwacAi;
        var deny = await authorizer.SendAsync("POST", "/api/authorize", [AppService.ClientCertificate(tpp), new("X-Client-Id", "client-with-personal-data"), new("X-Tpp-Api", "accounts")]);
        await authorizer.SendAsync("GET", "/api/health/../authorize", [AppService.ClientCertificate(tpp), new("X-Client-Id", "c")]);
        listener.RecordObservableInstruments();

        var decisions = measurements.Where(m => m.Instrument == "tppgate.decisions").ToArray();
        Assert.Equal("CERTIFICATE_NOT_BOUND", deny.Code);
        Assert.Contains(decisions, m => m.Value == 1 && m.Tags["outcome"] == "deny" && m.Tags["code"] == "CERTIFICATE_NOT_BOUND");
        Assert.Contains(decisions, m => m.Tags["code"] == "PATH_NOT_CANONICAL");
        Assert.Equal(2, measurements.Count(m => m.Instrument == "tppgate.decision.duration" && m.Tags["outcome"] == "deny" && m.Value is > 0 and < 5000));
        Assert.Contains(measurements, m => m.Instrument == "tppgate.anchors.count" && m.Value == 3);
        Assert.All(measurements, m => Assert.Subset(new HashSet<string> { "outcome", "code", "action", "result", "cache" }, m.Tags.Keys.ToHashSet()));
        Assert.DoesNotContain(measurements, m => m.Tags.Values.Any(v => v is not null && (v.Contains("client", StringComparison.OrdinalIgnoreCase) || v.Length > 40)));
    }

    [Fact]
    public async Task An_admin_registration_is_counted_by_action_and_result()
    {
        await using var admin = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Admin"));
        var meter = admin.Services.GetRequiredService<TppGateMetrics>().Meter;
        using var metrics = new MetricCapture(meter);
        using var certificate = CertificateCatalogue.Shared.IssuingCa.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Core.Eidas.Psd2Role.AccountInformation));

        var register = await admin.SendAsync("POST", "/api/bindings", [AppService.Principal(Http.Callers.Caller.AdminRole)],
            System.Text.Json.JsonSerializer.Serialize(new { clientId = "metrics-" + Guid.NewGuid().ToString("N")[..8], certificate = PkiExport.CertificatePem(certificate) }));

        Assert.Equal(201, register.Status);
        Assert.Equal([("register", "Created")], metrics.AdminWrites());
    }

    [Fact]
    public async Task A_second_identical_request_is_a_hit_in_both_caches_and_a_new_certificate_a_miss()
    {
        var settings = AppService.Settings(azurite, "Admin");
        await using var admin = await FunctionsAppHost.StartAsync(settings);
        var authorizerSettings = new Dictionary<string, string?>(settings) { ["TppGate:Surface"] = "Authorizer" };
        authorizerSettings.Remove("WEBSITE_AUTH_ENABLED");
        await using var authorizer = await FunctionsAppHost.StartAsync(authorizerSettings);
        using var metrics = new MetricCapture(authorizer.Services.GetRequiredService<TppGateMetrics>().Meter);
        using var tpp = CertificateCatalogue.Shared.IssuingCa.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        var clientId = "cache-" + Guid.NewGuid().ToString("N")[..8];
        var register = await admin.SendAsync("POST", "/api/bindings", [AppService.Principal(Http.Callers.Caller.AdminRole)], System.Text.Json.JsonSerializer.Serialize(new { clientId, certificate = PkiExport.CertificatePem(tpp) }));
        Assert.Equal(201, register.Status);
        KeyValuePair<string, string>[] request = [AppService.ClientCertificate(tpp), new("X-Client-Id", clientId), new("X-Tpp-Api", "accounts")];

        var start = Lookups(metrics);
        await authorizer.SendAsync("POST", "/api/authorize", request);
        var afterFirst = Lookups(metrics);

        // Until the registration has propagated (the change feed resolved it), a request may read storage.
        FunctionResponse? allow = null;
        Assert.True(await TppGate.Testing.Waiting.Eventually.WithinAsync(TimeSpan.FromSeconds(8), async () =>
        {
            var before = Lookups(metrics);
            allow = await authorizer.SendAsync("POST", "/api/authorize", request);
            return allow.Status == 200 && Lookups(metrics)[("bindings", "hit")] > before[("bindings", "hit")];
        }), allow?.Text);
        var beforeLast = Lookups(metrics);
        var last = await authorizer.SendAsync("POST", "/api/authorize", request);
        var afterLast = Lookups(metrics);

        // The first sight of a certificate is a miss in the verification cache; the identical request after an allow
        // is answered from both caches, with no chain validation and no storage read.
        Assert.Equal(1, afterFirst[("certificates", "miss")] - start[("certificates", "miss")]);
        Assert.Equal(0, afterFirst[("certificates", "hit")] - start[("certificates", "hit")]);
        Assert.Equal(200, last.Status);
        Assert.Equal(1, afterLast[("certificates", "hit")] - beforeLast[("certificates", "hit")]);
        Assert.Equal(0, afterLast[("certificates", "miss")] - beforeLast[("certificates", "miss")]);
        Assert.Equal(1, afterLast[("bindings", "hit")] - beforeLast[("bindings", "hit")]);
        Assert.Equal(0, afterLast[("bindings", "miss")] - beforeLast[("bindings", "miss")]);
        Assert.True(afterFirst[("bindings", "miss")] > start[("bindings", "miss")]);
    }

    [Fact]
    public async Task The_composed_open_telemetry_pipeline_exports_the_tppgate_meter()
    {
        var exported = new List<OpenTelemetry.Metrics.Metric>();
        await using var authorizer = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Authorizer"),
            addServices: s => s.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported)));
        var provider = authorizer.Services.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>();

        await authorizer.SendAsync("POST", "/api/authorize", [AppService.ClientCertificate(CertificateCatalogue.Shared.QwacAi), new("X-Client-Id", "c"), new("X-Tpp-Api", "accounts")]);
        Assert.True(provider.ForceFlush(5000));

        var decisions = Assert.Single(exported, m => m.Name == "tppgate.decisions" && m.MeterName == TppGateMetrics.MeterName);
        var points = new List<long>();
        foreach (ref readonly var point in decisions.GetMetricPoints())
        {
            points.Add(point.GetSumLong());
        }

        // The SDK listens by meter name, so parallel tests' hosts add to this sum; the exact count per host is the
        // MeterListener test's job. This one proves the composition's pipeline exports the TppGate meter at all.
        Assert.True(points.Sum() >= 1);

        // The CRL alert reads tppgate.crl.age: the QWAC's CRL is now cached, so the revocation meter reports its age.
        var crlAge = Assert.Single(exported, m => m.Name == "tppgate.crl.age" && m.MeterName == TppGate.Http.Hosting.CrlRefresherService.MeterName);
        var ages = new List<double>();
        foreach (ref readonly var point in crlAge.GetMetricPoints())
        {
            ages.Add(point.GetGaugeLastValueDouble());
        }

        Assert.Contains(ages, age => age >= 0);
    }

    // tppgate.cache.lookups is a cumulative observable counter: one value per cache and result, read on collection.
    private static Dictionary<(string? Cache, string? Result), double> Lookups(MetricCapture metrics)
        => metrics.Observe("tppgate.cache.lookups").ToDictionary(m => (m.Tag("cache"), m.Tag("result")), m => m.Value);

    [Theory]
    [InlineData("ClientId=8f5e0c1a-0000-4000-8000-000000000001;Authorization=AAD", true, "8f5e0c1a-0000-4000-8000-000000000001")]
    [InlineData("Authorization=AAD", true, null)]
    [InlineData(" authorization = aad ; clientid = abc ", true, "abc")]
    [InlineData("ClientId=abc", false, null)]
    [InlineData("", false, null)]
    [InlineData(null, false, null)]
    public void The_app_insights_authentication_string_selects_the_managed_identity_for_the_azure_monitor_exporter(string? value, bool entra, string? clientId)
    {
        Assert.Equal((entra, clientId), TppGateFunctionsApp.ParseAuthenticationString(value));
    }
}
