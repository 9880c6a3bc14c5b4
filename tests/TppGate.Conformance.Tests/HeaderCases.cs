namespace TppGate.Conformance.Tests;

/// <summary>The rows of CASES.md "headers/": forwarded-certificate header values written by Envoy, Keycloak and HAProxy tests.</summary>
public sealed class HeaderCases
{
    private const string Rfc9440LeafSha256Prefix = "bfaf1f7e070f";

    [Theory]
    [InlineData("headers/envoy-docs.example1.single-uri.xfcc.txt")]
    [InlineData("headers/envoy-docs.example2.two-elements.xfcc.txt")]
    [InlineData("headers/envoy-docs.example3.uri-and-multi-dns.xfcc.txt")]
    public void Envoy_documentation_examples_carry_no_certificate(string file)
        => Assert.Equal("NO_CERTIFICATE_IN_ELEMENT", Corpus.Inspect(file, "--format", "xfcc").ErrorCode);

    [Fact]
    public void Envoy_documentation_example_is_detected_as_XFCC_without_a_format()
        => Assert.Equal("NO_CERTIFICATE_IN_ELEMENT", Corpus.Inspect("headers/envoy-docs.example2.two-elements.xfcc.txt").ErrorCode);

    [Fact]
    public void Keycloak_XFCC_with_Cert_and_Chain_gives_the_leaf_and_its_sub_CA()
    {
        var r = Corpus.Inspect("headers/keycloak.EnvoyProxySslClientCertificateLookupTest.certAndChain.xfcc.txt").Report;

        Assert.Equal("CN=x509client", r.Str("subject"));
        Assert.Equal("xfcc", r.Str("format"));
        Assert.Contains(r.Strings("chainSubjects"), s => s.Contains("CN=client-sub-ca", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("headers/keycloak.testCorruptedXfccInvalidCert.xfcc.txt")]
    [InlineData("headers/keycloak.testCorruptedXfccInvalidChain.xfcc.txt")]
    [InlineData("headers/keycloak.testCorruptedXfccNoEndQuote.xfcc.txt")]
    [InlineData("headers/keycloak.testCorruptedXfccNoStartQuote.xfcc.txt")]
    [InlineData("headers/keycloak.testNoCertificate.no-Cert-or-Chain.xfcc.txt")]
    public void Corrupted_XFCC_values_are_rejected_with_a_clear_code(string file)
    {
        var run = Corpus.Inspect(file, "--format", "xfcc");

        Assert.Matches("^[A-Z][A-Z0-9_]+$", run.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(run.Json.Str("error", "message")));
    }

    [Fact]
    public void RFC_9440_Client_Cert_example_is_the_BC_leaf()
    {
        var r = Corpus.Inspect("headers/keycloak.header_value_rfc_9440_client_cert.txt").Report;

        Assert.Equal("CN=BC", r.Str("subject"));
        Assert.Equal("rfc9440", r.Str("format"));
        Assert.StartsWith(Rfc9440LeafSha256Prefix, r.Str("thumbprints", "sha256"), StringComparison.Ordinal);
        Assert.Contains("CN=LA Intermediate CA", r.Str("issuer"), StringComparison.Ordinal);
    }

    [Fact]
    public void RFC_9440_Client_Cert_Chain_example_reads_as_a_chain_that_validates_to_its_root()
    {
        var r = Corpus.Inspect(
            "headers/keycloak.header_value_rfc_9440_client_cert.txt",
            "--chain", "corpus:headers/keycloak.header_value_rfc_9440_client_chain.txt",
            "--anchors", "corpus:headers/keycloak.HaProxyTest.Client-Cert-Chain_1.txt",
            "--at", "2020-06-01T00:00:00Z").Report;

        Assert.Equal(2, r.GetProperty("chainCertificates").GetInt32());
        Assert.Contains(r.Strings("chainSubjects"), s => s.Contains("CN=LA Intermediate CA", StringComparison.Ordinal));
        Assert.True(r.GetProperty("chain").GetProperty("trusted").GetBoolean(), r.ToString());
    }

    [Fact]
    public void RFC_9440_example_leaf_is_expired_today()
    {
        var r = Corpus.Inspect(
            "headers/keycloak.header_value_rfc_9440_client_cert.txt",
            "--chain", "corpus:headers/keycloak.header_value_rfc_9440_client_chain.txt",
            "--anchors", "corpus:headers/keycloak.HaProxyTest.Client-Cert-Chain_1.txt").Report;

        Assert.Equal(["Expired"], r.Strings("chain", "reasons"));
        Assert.Equal("CERTIFICATE_EXPIRED", r.Str("chain", "code"));
    }

    [Fact]
    public void HAProxy_bare_base64_is_one_certificate()
    {
        var r = Corpus.Inspect("headers/keycloak.HaProxyTest.Client-Cert.bare-base64-der.txt").Report;

        Assert.Equal("base64", r.Str("format"));
        Assert.Equal("CN=BC", r.Str("subject"));
        Assert.Equal(0, r.GetProperty("chainCertificates").GetInt32());
    }

    [Fact]
    public void HAProxy_indexed_chain_headers_plus_the_leaf_are_three_certificates()
    {
        var r = Corpus.Inspect(
            "headers/keycloak.HaProxyTest.Client-Cert.bare-base64-der.txt",
            "--chain", "corpus:headers/keycloak.HaProxyTest.Client-Cert-Chain_0.txt",
            "--chain", "corpus:headers/keycloak.HaProxyTest.Client-Cert-Chain_1.txt").Report;

        Assert.Equal(3, 1 + r.GetProperty("chainCertificates").GetInt32());
    }

    [Fact]
    public void Concatenated_DER_chain_is_refused_as_a_single_certificate()
    {
        var code = Corpus.Inspect("headers/keycloak.HaProxyTest.Client-Cert-Chain.concatenated-der-base64.txt").ErrorCode;

        Assert.Equal("MULTIPLE_CERTIFICATES", code);
    }

    [Fact]
    public void Concatenated_DER_chain_reads_as_a_chain()
    {
        var r = Corpus.Inspect(
            "headers/keycloak.HaProxyTest.Client-Cert.bare-base64-der.txt",
            "--chain", "corpus:headers/keycloak.HaProxyTest.Client-Cert-Chain.concatenated-der-base64.txt").Report;

        Assert.Equal(2, r.GetProperty("chainCertificates").GetInt32());
        Assert.Contains(r.Strings("chainSubjects"), s => s.Contains("CN=Let's Authenticate Root Authority", StringComparison.Ordinal));
    }
}
