using System.Net;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>
/// Raw header values an attacker (or a broken proxy) can put where the certificate goes. The local host
/// replaces X-ARR-ClientCert with the handshake certificate, so raw values go in through the trusted
/// forwarder's Client-Cert ("via forwarder"), or straight into the host's Authorizer ("direct"). Every case
/// uses a registered certificate's bytes, so a lenient reader would turn the attack into an allow.
/// </summary>
public sealed class HeaderValueTests(LocalRunFixture local) : IAsyncLifetime
{
    private X509Certificate2 _registered = null!;
    private string _client = null!;

    private string B64 => Convert.ToBase64String(_registered.RawData);

    public async ValueTask InitializeAsync()
    {
        // A certificate whose base64 has padding and '+' or '/', so the padding and url-safe cases change something.
        do
        {
            _registered = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"header-values-{Guid.NewGuid():N}.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        }
        while (_registered.RawData.Length % 3 == 0 || Convert.ToBase64String(_registered.RawData).AsSpan().IndexOfAny('+', '/') < 0);

        _client = NewClient();
        await local.RegisterAsync(_client, _registered);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Control_the_registered_certificate_in_each_format_is_allowed_via_forwarder_and_direct()
    {
        Assert.Equal(HttpStatusCode.OK, (await ForwardAsync(local, ":" + B64 + ":", _client)).Status);
        Assert.True((await DecideAsync(local, B64, CertificateSourceFormat.Base64, _client)).IsAllowed);
        Assert.True((await DecideAsync(local, PkiExport.CertificatePem(_registered), CertificateSourceFormat.Pem, _client)).IsAllowed);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t  ")]
    public async Task Missing_empty_or_whitespace_value_is_certificate_missing_direct(string value)
    {
        var decision = await DecideAsync(local, value, CertificateSourceFormat.Base64, _client);
        Assert.Equal(DenyCode.CertificateMissing, decision.Code);
        Assert.Equal(DenyCode.CertificateMissing, (await DecideAsync(local, null, CertificateSourceFormat.Base64, _client)).Code);
    }

    [Fact]
    public async Task Forwarder_sending_an_empty_or_whitespace_client_cert_is_certificate_missing_via_forwarder()
    {
        // An empty header is no header; whitespace only reaches the authorizer as a blank value.
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_MISSING"), await ForwardAsync(local, "", _client));
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_MISSING"), await ForwardAsync(local, "   ", _client));
    }

    public static TheoryData<string, string> BadBase64 => new()
    {
        { "character outside the alphabet", "!" },
        { "bad padding", "=" },
        { "url-safe alphabet", "urlsafe" },
        { "padding stripped", "nopad" },
        { "PEM armour in a base64 slot", "pem" },
        { "URL-encoded base64", "urlencoded" },
        { "two values comma-joined", "comma" },
    };

    private string Variant(string kind) => kind switch
    {
        "!" => B64[..20] + "!" + B64[21..],
        "=" => B64.TrimEnd('=') + "===",
        "urlsafe" => ToUrlSafe(B64),
        "nopad" => B64.TrimEnd('='),
        "pem" => "-----BEGIN CERTIFICATE-----" + B64 + "-----END CERTIFICATE-----",
        "urlencoded" => Uri.EscapeDataString(B64),
        "comma" => B64 + "," + B64,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string ToUrlSafe(string b64) => b64.Replace('+', '-').Replace('/', '_');

    [Theory]
    [MemberData(nameof(BadBase64))]
    public async Task Bad_base64_is_certificate_invalid_direct(string why, string kind)
    {
        var value = Variant(kind);

        var decision = await DecideAsync(local, value, CertificateSourceFormat.Base64, _client);

        Assert.False(decision.IsAllowed, why);
        Assert.Equal(DenyCode.CertificateInvalid, decision.Code);
    }

    [Theory]
    [MemberData(nameof(BadBase64))]
    public async Task Bad_base64_inside_an_rfc9440_item_is_certificate_invalid_via_forwarder(string why, string kind)
    {
        var value = Variant(kind);

        var answer = await ForwardAsync(local, ":" + value + ":", _client);
        Assert.True(answer == (HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), $"{why}: {answer}");
    }

    [Theory]
    [InlineData(17 * 1024)]
    [InlineData(60 * 1024)]
    public async Task Oversized_value_under_kestrels_limit_is_refused_before_decoding_via_forwarder(int length)
    {
        // A valid certificate's base64 padded with more valid base64: only the size can refuse it.
        var value = ":" + B64 + new string('A', length) + ":";

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await ForwardAsync(local, value, _client));
        var direct = await DecideAsync(local, value, CertificateSourceFormat.Rfc9440, _client);
        Assert.Contains(nameof(CertificateReadError.TooLarge), direct.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_megabyte_header_is_refused_by_kestrel_with_431_via_forwarder_and_as_too_large_direct()
    {
        var value = ":" + B64 + new string('A', 1024 * 1024) + ":";

        // Kestrel answers 431 and closes; a client still writing its megabyte may see the reset instead.
        HttpStatusCode? status = null;
        try
        {
            status = (await ForwardAsync(local, value, _client)).Status;
        }
        catch (HttpRequestException)
        {
        }

        Assert.True(status is null or HttpStatusCode.RequestHeaderFieldsTooLarge, $"got {status}");

        var direct = await DecideAsync(local, value, CertificateSourceFormat.Rfc9440, _client);
        Assert.Equal(DenyCode.CertificateInvalid, direct.Code);
        Assert.Contains(nameof(CertificateReadError.TooLarge), direct.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string> DerAttacks => ["truncated", "trailing-zero", "trailing-garbage", "ber-indefinite", "non-minimal-length", "two-certificates"];

    private byte[] Der(string kind)
    {
        var der = _registered.RawData;
        Assert.Equal(0x82, der[1]);
        return kind switch
        {
            "truncated" => der[..^10],
            "trailing-zero" => [.. der, 0x00],
            "trailing-garbage" => [.. der, 0x05, 0x00],
            "ber-indefinite" => [0x30, 0x80, .. der[4..], 0x00, 0x00],
            "non-minimal-length" => [0x30, 0x83, 0x00, .. der[2..]],
            "two-certificates" => [.. der, .. der],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [MemberData(nameof(DerAttacks))]
    public async Task Non_strict_der_of_a_registered_certificate_is_certificate_invalid_via_forwarder(string kind)
    {
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await ForwardAsync(local, ":" + Convert.ToBase64String(Der(kind)) + ":", _client));
    }

    [Theory]
    [MemberData(nameof(DerAttacks))]
    public async Task Non_strict_der_of_a_registered_certificate_is_certificate_invalid_direct(string kind)
    {
        var decision = await DecideAsync(local, Convert.ToBase64String(Der(kind)), CertificateSourceFormat.Base64, _client);
        Assert.Equal(DenyCode.CertificateInvalid, decision.Code);
    }

    [Fact]
    public async Task Two_client_cert_headers_from_the_forwarder_are_certificate_invalid_via_forwarder()
    {
        var rfc = ":" + B64 + ":";
        var (status, body) = await RawHttps.SendAsync(local.Run, local.Catalogue[LocalRunFixture.ForwarderCertificate], "POST", "/api/authorize",
            [("X-Client-Id", _client), ("Client-Cert", rfc), ("Client-Cert", rfc)], Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("\"CERTIFICATE_INVALID\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Comma_joined_rfc9440_list_in_client_cert_is_certificate_invalid_via_forwarder()
    {
        var other = ":" + Convert.ToBase64String(local.Catalogue.QwacAi.RawData) + ":";
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await ForwardAsync(local, ":" + B64 + ":, " + other, _client));
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await ForwardAsync(local, other + ", :" + B64 + ":", _client));
    }

    [Fact]
    public async Task Pkcs12_holding_the_registered_certificate_is_certificate_invalid_via_forwarder_and_direct()
    {
        var pfx = Convert.ToBase64String(PkiExport.Pkcs12(_registered));

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await ForwardAsync(local, ":" + pfx + ":", _client));
        var decision = await DecideAsync(local, pfx, CertificateSourceFormat.Base64, _client);
        Assert.Equal(DenyCode.CertificateInvalid, decision.Code);
        Assert.Contains(nameof(CertificateReadError.ContainerNotAllowed), decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pkcs7_holding_the_registered_certificate_is_certificate_invalid_via_forwarder_and_direct()
    {
        var p7 = Convert.ToBase64String(new X509Certificate2Collection(_registered).Export(X509ContentType.Pkcs7)!);

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await ForwardAsync(local, ":" + p7 + ":", _client));
        var decision = await DecideAsync(local, p7, CertificateSourceFormat.Base64, _client);
        Assert.Equal(DenyCode.CertificateInvalid, decision.Code);
        Assert.Contains(nameof(CertificateReadError.ContainerNotAllowed), decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_of_a_pkcs12_is_refused_and_nothing_is_stored()
    {
        var fresh = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("pkcs12.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        var (status, code) = await RegisterRawAsync(local, NewClient(), Convert.ToBase64String(PkiExport.Pkcs12(fresh)));

        Assert.Equal((HttpStatusCode.BadRequest, "CERTIFICATE_INVALID"), (status, code));
        await AssertNotStoredAsync(local, fresh);
    }
}
