using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using TppGate.Core.Certificates;
using TppGate.LocalHost.Hosting;
using TppGate.Testing.Network;

namespace TppGate.Cli.Tests.Bindings;

/// <summary>The README's local flow done with tppgate against the local host over real TLS and Azurite.</summary>
public sealed class LocalFlowTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private string Certificate => host.Run.Pki.TppCertificatePath;

    private string X5t
    {
        get
        {
            using var tpp = host.Run.Pki.LoadTppCertificate();
            return CertificateThumbprints.Of(tpp).X5tS256;
        }
    }

    [Fact]
    public async Task Register_allow_revoke_and_audit_are_done_with_tppgate()
    {
        var register = await host.AdminAsync("bindings", "register", "--client-id", LocalRunGuide.SampleClientId, "--certificate", Certificate, "--note", "README flow");
        Assert.True(register.ExitCode == 0, register.Stderr + register.Stdout);
        Assert.Contains("Registered.", register.Stdout, StringComparison.Ordinal);
        Assert.Contains("PSP_AI, PSP_PI", register.Stdout, StringComparison.Ordinal);
        Assert.Contains(X5t, register.Stdout, StringComparison.Ordinal);

        using var tpp = host.Tpp();
        using (var allow = await AuthorizeAsync(tpp))
        {
            Assert.Equal(HttpStatusCode.OK, allow.StatusCode);
        }

        var list = await host.AdminAsync("bindings", "list", "--client-id", LocalRunGuide.SampleClientId, "--json");
        Assert.Equal(0, list.ExitCode);
        var binding = Assert.Single(list.Json.GetProperty("bindings").EnumerateArray());
        Assert.Equal(X5t, binding.GetProperty("thumbprint").GetString());
        Assert.Equal("active", binding.GetProperty("status").GetString());

        var expiring = await host.AdminAsync("bindings", "expiring", "--days", "3650");
        Assert.Equal(0, expiring.ExitCode);
        Assert.Contains("THUMBPRINT", expiring.Stdout, StringComparison.Ordinal);
        Assert.Contains(X5t, expiring.Stdout, StringComparison.Ordinal);

        var get = await host.AdminAsync("bindings", "get", "--thumbprint", X5t);
        Assert.Equal(0, get.ExitCode);
        Assert.Contains(LocalRunGuide.SampleClientId, get.Stdout, StringComparison.Ordinal);

        var update = await host.AdminAsync("bindings", "update", "--client-id", LocalRunGuide.SampleClientId, "--thumbprint", X5t, "--note", "renewal due in May");
        Assert.True(update.ExitCode == 0, update.Stderr + update.Stdout);
        Assert.Contains("Updated.", update.Stdout, StringComparison.Ordinal);
        Assert.Contains("renewal due in May", update.Stdout, StringComparison.Ordinal);
        await UpdateClosesAndReopensTheWindowAsync(tpp);

        var revoke = await host.AdminAsync("bindings", "revoke", "--client-id", LocalRunGuide.SampleClientId, "--thumbprint", X5t, "--reason", "local test");
        Assert.True(revoke.ExitCode == 0, revoke.Stderr + revoke.Stdout);
        Assert.Contains("Revoked.", revoke.Stdout, StringComparison.Ordinal);

        // A revoked binding cannot be changed: the server's code, status and trace id are printed, exit 1.
        var updateRevoked = await host.AdminAsync("bindings", "update", "--client-id", LocalRunGuide.SampleClientId, "--thumbprint", X5t, "--note", "too late");
        Assert.Equal(1, updateRevoked.ExitCode);
        Assert.Contains("BINDING_REVOKED", updateRevoked.Stderr, StringComparison.Ordinal);
        Assert.Matches("HTTP 409, trace id [0-9a-zA-Z:.-]+", updateRevoked.Stderr);

        using (var blocked = await AuthorizeAsync(tpp))
        {
            Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
            Assert.Contains("CERTIFICATE_BLOCKED", await blocked.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        var audit = await host.AdminAsync("bindings", "audit", "--client-id", LocalRunGuide.SampleClientId, "--json");
        Assert.Equal(0, audit.ExitCode);
        var actions = audit.Json.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("action").GetString()).ToList();
        Assert.Equal("registered", actions[0]);
        Assert.Contains("revoked", actions);
        Assert.Equal(3, actions.Count(a => a == "updated"));
        Assert.True(actions.Count >= 5, string.Join(",", actions));

        var table = await host.AdminAsync("bindings", "audit", "--client-id", LocalRunGuide.SampleClientId);
        Assert.Contains("local test", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("local-admin", table.Stdout, StringComparison.Ordinal);

        // A revoked certificate cannot be bound again: the server refuses, and its code and trace id are printed.
        var again = await host.AdminAsync("bindings", "register", "--client-id", LocalRunGuide.SampleClientId, "--certificate", Certificate);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("CERTIFICATE_BLOCKED", again.Stderr, StringComparison.Ordinal);
        Assert.Matches("HTTP 409, trace id [0-9a-zA-Z:.-]+", again.Stderr);

        var againJson = await host.AdminAsync("bindings", "register", "--client-id", LocalRunGuide.SampleClientId, "--certificate", Certificate, "--json");
        Assert.Equal(1, againJson.ExitCode);
        var error = againJson.Json.GetProperty("error");
        Assert.Equal("CERTIFICATE_BLOCKED", error.GetProperty("code").GetString());
        Assert.Equal(409, error.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("traceId").GetString()));
    }

    /// <summary>
    /// The update flow on the sample binding: a window the certificate never covers is the server's refusal; a
    /// window that ended denies the TPP at once; clearing the end (JSON null) allows it again.
    /// </summary>
    private async Task UpdateClosesAndReopensTheWindowAsync(HttpClient tpp)
    {
        var outside = await host.AdminAsync("bindings", "update", "--client-id", LocalRunGuide.SampleClientId, "--thumbprint", X5t, "--active-from", "2199-01-01T00:00:00Z", "--json");
        Assert.Equal(1, outside.ExitCode);
        Assert.Equal("ACTIVATION_WINDOW_INVALID", outside.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(400, outside.Json.GetProperty("error").GetProperty("status").GetInt32());

        var ended = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var close = await host.AdminAsync("bindings", "update", "--client-id", LocalRunGuide.SampleClientId, "--thumbprint", X5t, "--active-until", ended, "--json");
        Assert.True(close.ExitCode == 0, close.Stderr + close.Stdout);
        Assert.NotEqual(JsonValueKind.Null, close.Json.GetProperty("activeUntil").ValueKind);
        using (var closed = await AuthorizeAsync(tpp))
        {
            Assert.Equal(HttpStatusCode.Forbidden, closed.StatusCode);
            Assert.Contains("CERTIFICATE_NOT_BOUND", await closed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        var reopen = await host.AdminAsync("bindings", "update", "--client-id", LocalRunGuide.SampleClientId, "--thumbprint", X5t, "--clear", "active-until", "--json");
        Assert.True(reopen.ExitCode == 0, reopen.Stderr + reopen.Stdout);
        Assert.Equal(JsonValueKind.Null, reopen.Json.GetProperty("activeUntil").ValueKind);
        Assert.Equal("renewal due in May", reopen.Json.GetProperty("note").GetString());
        using var open = await AuthorizeAsync(tpp);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    [Fact]
    public async Task Wrong_admin_key_exits_3_with_the_servers_code_and_trace_id()
    {
        var run = await host.TppgateAsync(
            new Dictionary<string, string?> { ["TPPGATE_ADMIN_KEY"] = "not-the-key" },
            "bindings", "list", "--client-id", "anyone", "--endpoint", host.Run.AdminUri.ToString(), "--ca-file", host.Run.Pki.RootPath);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("UNAUTHENTICATED", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("HTTP 401, trace id ", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }

    [Fact]
    public async Task Unreachable_endpoint_exits_3()
    {
        var run = await host.AdminAsync("bindings", "list", "--client-id", "anyone", "--endpoint", $"https://127.0.0.1:{RefusingPort.Reserve()}/", "--json");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("CONNECTION_FAILED", run.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Endpoint_that_accepts_but_never_answers_exits_3_after_the_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepting = silent.AcceptTcpClientAsync(TestContext.Current.CancellationToken).AsTask();

        var run = await host.AdminAsync("bindings", "list", "--client-id", "anyone", "--endpoint", $"https://127.0.0.1:{port}/", "--timeout", "1", "--json");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("TIMEOUT", run.Json.GetProperty("error").GetProperty("code").GetString());
        (await accepting).Dispose();
    }

    [Fact]
    public async Task Dev_CA_is_not_trusted_without_ca_file()
    {
        var run = await host.TppgateAsync(null, "bindings", "list", "--client-id", "anyone", "--endpoint", host.Run.AdminUri.ToString());

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("TLS_FAILED", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("--ca-file", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_that_is_not_a_certificate_exits_2_and_sends_nothing()
    {
        var file = Path.Combine(Path.GetTempPath(), $"tppgate-not-a-cert-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(file, "MIIB$$$not-a-certificate", TestContext.Current.CancellationToken);
        try
        {
            // The endpoint is closed: exit 2 rather than 3 shows the command stopped before any call.
            var run = await host.AdminAsync("bindings", "register", "--client-id", "bad-input", "--certificate", file, "--endpoint", $"https://127.0.0.1:{RefusingPort.Reserve()}/");

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("UNKNOWN_FORMAT", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Certificate_without_PSD2_roles_is_refused_locally_with_the_servers_code()
    {
        // The local host's own TLS certificate: a valid certificate, but no QWAC.
        var run = await host.AdminAsync("bindings", "register", "--client-id", "not-psd2", "--certificate", host.Run.Pki.ServerCertificatePath);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("CERTIFICATE_INVALID", run.Stderr, StringComparison.Ordinal);
        var list = await host.AdminAsync("bindings", "list", "--client-id", "not-psd2", "--json");
        Assert.Empty(list.Json.GetProperty("bindings").EnumerateArray());
    }

    [Fact]
    public async Task Certificate_that_does_not_chain_to_the_anchors_given_is_refused_locally()
    {
        using var pki = new CliTestPki();
        var otherAnchors = pki.Write("other.pem", pki.OtherRoot.ExportCertificatePem());

        var run = await host.AdminAsync("bindings", "register", "--client-id", "untrusted", "--certificate", Certificate, "--anchors", otherAnchors, "--endpoint", $"https://127.0.0.1:{RefusingPort.Reserve()}/");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("CERTIFICATE_INVALID", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dry_run_shows_subject_organisation_roles_and_expiry_and_binds_nothing()
    {
        var run = await host.AdminAsync("bindings", "register", "--client-id", "dry", "--certificate", Certificate, "--anchors", host.Run.Pki.AnchorsPath, "--dry-run", "--json");

        Assert.Equal(0, run.ExitCode);
        var preview = run.Json;
        Assert.Equal(X5t, preview.GetProperty("thumbprint").GetString());
        Assert.Equal(["PSP_AI", "PSP_PI"], preview.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.StartsWith("PSD", preview.GetProperty("organizationId").GetString(), StringComparison.Ordinal);
        Assert.Contains("CN=", preview.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, preview.GetProperty("notAfter").ValueKind);
        var list = await host.AdminAsync("bindings", "list", "--client-id", "dry", "--json");
        Assert.Empty(list.Json.GetProperty("bindings").EnumerateArray());
    }

    [Theory]
    [InlineData("bindings get --thumbprint abc", "THUMBPRINT_INVALID")]
    [InlineData("bindings list --client-id a%2Fb", "CLIENT_ID_INVALID")]
    [InlineData("bindings update --client-id c --thumbprint aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa --active-from 2030-01-01T00:00:00Z --active-until 2029-01-01T00:00:00Z", "ACTIVATION_WINDOW_INVALID")]
    public async Task Bad_values_exit_2_before_any_call(string commandLine, string code)
    {
        var run = await host.AdminAsync([.. commandLine.Split(' '), "--json"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(code, run.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Admin_key_is_never_sent_to_a_remote_endpoint()
    {
        var run = await host.TppgateAsync(null, "bindings", "list", "--client-id", "c", "--endpoint", "https://tppgate-admin.example.net", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("ADMIN_KEY_NOT_LOCAL", run.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Deployment_endpoint_without_a_scope_exits_2()
    {
        var run = await host.TppgateAsync(new Dictionary<string, string?> { ["TPPGATE_ADMIN_KEY"] = null }, "bindings", "list", "--client-id", "c", "--endpoint", "https://tppgate-admin.example.net", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("CREDENTIALS_MISSING", run.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("bindings register --certificate x.pem")]
    [InlineData("bindings revoke --client-id c --thumbprint t")]
    [InlineData("bindings expiring --days -1")]
    [InlineData("bindings expiring --days soon")]
    [InlineData("bindings update --client-id c --thumbprint t")]
    [InlineData("bindings update --client-id c --thumbprint t --clear notes")]
    [InlineData("bindings update --client-id c --thumbprint t --clear note --note n")]
    [InlineData("bindings frobnicate")]
    [InlineData("anchors list")]
    public async Task Command_line_errors_exit_64_with_the_usage(string commandLine)
    {
        var run = await host.TppgateAsync(null, commandLine.Split(' '));

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("usage: tppgate ", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }

    [Theory]
    [InlineData("bindings register --help", "usage: tppgate bindings register --client-id <id> --certificate <file>")]
    [InlineData("bindings --help", "tppgate bindings revoke --client-id <id> --thumbprint <sha256> --reason <text>")]
    [InlineData("--help", "tppgate anchors list")]
    public async Task Help_shows_the_usage_lines_and_exits_0(string commandLine, string expected)
    {
        var run = await host.TppgateAsync(null, commandLine.Split(' '));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(expected, run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tppgate_commands_the_local_host_prints_reach_it_authenticated_over_trusted_TLS()
    {
        var guide = LocalRunGuide.Describe(host.Run, []);
        var commands = guide.Split('\n')
            .Where(l => l.Contains("dotnet run --project src/TppGate.Cli -- ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("-- ", StringComparison.Ordinal) + 3)..].Trim().Split(' '))
            .ToList();
        Assert.Equal(3, commands.Count);

        // The audit line: it runs as printed (endpoint, key and dev CA right) and answers with the table.
        var audit = commands.Single(c => c[1] == "audit");
        var run = await host.TppgateAsync(new Dictionary<string, string?> { ["TPPGATE_ADMIN_KEY"] = null }, audit);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("ACTION", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anchors_list_shows_the_local_hosts_anchors()
    {
        var run = await host.TppgateAsync(null, "anchors", "list", "--path", host.Run.AnchorsPath, "--json");

        Assert.Equal(0, run.ExitCode);
        var certificates = run.Json.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Contains(certificates, c => c.GetProperty("kind").GetString() == "anchor");
    }

    private static async Task<HttpResponseMessage> AuthorizeAsync(HttpClient tpp)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/authorize");
        request.Headers.Add("X-Client-Id", LocalRunGuide.SampleClientId);
        request.Headers.Add("X-Tpp-Api", "accounts");
        return await tpp.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
