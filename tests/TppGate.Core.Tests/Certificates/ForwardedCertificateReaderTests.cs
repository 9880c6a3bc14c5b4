using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Certificates;
using TppGate.Pki;

namespace TppGate.Core.Tests.Certificates;

public sealed class ForwardedCertificateReaderTests
{
    private static readonly CertificateCatalogue Catalogue = CertificateCatalogue.Shared;
    private static readonly X509Certificate2 Leaf = Catalogue.QwacAi;
    private static readonly string Pem = PkiExport.CertificatePem(Leaf);
    private static readonly string Base64 = PkiExport.Base64Der(Leaf);

    [Fact]
    public void App_service_bare_base64_is_read()
        => AssertReads(Base64, CertificateSourceFormat.Base64);

    [Fact]
    public void Rfc9440_byte_sequence_is_read()
        => AssertReads(":" + Base64 + ":", CertificateSourceFormat.Rfc9440);

    [Fact]
    public void Rfc9440_byte_sequence_with_parameters_is_read()
        => AssertReads(":" + Base64 + ":;edge=?1;by=\"apim\\\"1\";n=42;t=tok/x", CertificateSourceFormat.Rfc9440);

    [Theory]
    [InlineData(":{0}")]
    [InlineData(":{0}: junk")]
    [InlineData(":{0}:;Upper=1")]
    [InlineData(":{0}:;k=\"unterminated")]
    public void Broken_rfc9440_values_are_invalid_structured_fields(string shape)
        => AssertFails(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, Base64), CertificateReadError.InvalidStructuredField);

    [Fact]
    public void Rfc9440_value_with_white_space_inside_the_byte_sequence_is_refused()
        => AssertFails(":" + Base64.Insert(10, " ") + ":", CertificateReadError.InvalidStructuredField, CertificateSourceFormat.Rfc9440);

    [Fact]
    public void Rfc9440_chain_of_two_members_with_parameters_is_read()
    {
        var ca = PkiExport.Rfc9440(Catalogue.IssuingCa.Certificate);
        var root = PkiExport.Rfc9440(Catalogue.Root.Certificate);
        var result = ForwardedCertificateReader.ReadRfc9440Chain(ca + ";p=1,\t" + root);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal([Catalogue.IssuingCa.Certificate.RawData, Catalogue.Root.Certificate.RawData], result.Certificates.Select(c => c.RawData));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Absent_rfc9440_chain_is_an_empty_chain(string? value)
    {
        var result = ForwardedCertificateReader.ReadRfc9440Chain(value);
        Assert.True(result.Succeeded);
        Assert.Empty(result.Certificates);
    }

    [Fact]
    public void Rfc9440_chain_with_an_inner_list_or_trailing_comma_is_refused()
    {
        var ca = PkiExport.Rfc9440(Catalogue.IssuingCa.Certificate);
        Assert.Equal(CertificateReadError.InvalidStructuredField, ForwardedCertificateReader.ReadRfc9440Chain("(" + ca + ")").Error);
        Assert.Equal(CertificateReadError.InvalidStructuredField, ForwardedCertificateReader.ReadRfc9440Chain(ca + ",").Error);
    }

    [Fact]
    public void Rfc9440_chain_longer_than_the_limit_is_too_large()
    {
        var ca = PkiExport.Rfc9440(Catalogue.IssuingCa.Certificate);
        var result = ForwardedCertificateReader.ReadRfc9440Chain(ca + "," + ca + "," + ca, new CertificateReaderOptions { MaxChainLength = 2 });
        Assert.Equal(CertificateReadError.TooLarge, result.Error);
    }

    [Fact]
    public void Rfc9440_chain_member_that_is_not_a_certificate_fails_the_chain()
    {
        var result = ForwardedCertificateReader.ReadRfc9440Chain(PkiExport.Rfc9440(Catalogue.Root.Certificate) + ", :AAAA:");
        Assert.Equal(CertificateReadError.InvalidDer, result.Error);
        Assert.Empty(result.Certificates);
    }

    [Fact]
    public void Pem_is_read()
        => AssertReads(Pem, CertificateSourceFormat.Pem);

    [Fact]
    public void Pem_with_crlf_line_ends_is_read()
        => AssertReads(Pem.Replace("\n", "\r\n", StringComparison.Ordinal), CertificateSourceFormat.Pem);

    [Fact]
    public void Single_line_pem_with_spaces_for_newlines_is_read()
        => AssertReads(Pem.Replace('\n', ' '), CertificateSourceFormat.Pem);

    [Fact]
    public void Tab_indented_pem_is_read()
        => AssertReads(string.Join('\n', Pem.Split('\n').Select(l => "\t" + l)), CertificateSourceFormat.Pem);

    [Fact]
    public void Pem_body_without_armour_is_read_as_base64()
    {
        var body = string.Join('\n', Pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        AssertReads(body, CertificateSourceFormat.Base64);
        AssertReads(body, CertificateSourceFormat.Pem, CertificateSourceFormat.Pem);
    }

    [Fact]
    public void Nginx_escaped_pem_is_read()
        => AssertReads(Uri.EscapeDataString(Pem), CertificateSourceFormat.UrlPem);

    [Fact]
    public void Alb_style_pem_keeps_plus_slash_and_equals_literal()
    {
        Assert.Contains('+', Base64);
        var alb = Pem.Replace(" ", "%20", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);
        Assert.Contains('+', alb);
        AssertReads(alb, CertificateSourceFormat.UrlPem);
    }

    [Fact]
    public void Application_gateway_style_lower_case_escapes_are_read()
        => AssertReads(Uri.EscapeDataString(Pem).Replace("%2B", "%2b", StringComparison.Ordinal).Replace("%0A", "%0a", StringComparison.Ordinal), CertificateSourceFormat.UrlPem);

    [Fact]
    public void Envoy_element_with_cert_and_chain_is_read_with_its_chain()
    {
        var chain = PkiExport.CertificatesPem([Catalogue.IssuingCa.Certificate, Catalogue.Root.Certificate]);
        var xfcc = "By=spiffe://bank.example/gw;Hash=00ff;Cert=\"" + Uri.EscapeDataString(Pem) + "\";Chain=\"" + Uri.EscapeDataString(chain) + "\";Subject=\"CN=tpp\";URI=";

        using var read = AssertReads(xfcc, CertificateSourceFormat.Xfcc);
        Assert.Equal([Catalogue.IssuingCa.Certificate.RawData, Catalogue.Root.Certificate.RawData], read.Chain.Select(c => c.RawData));
    }

    [Fact]
    public void Envoy_first_element_is_read_when_two_are_present()
    {
        var other = Uri.EscapeDataString(PkiExport.CertificatePem(Catalogue[CatalogueCertificate.QwacPi]));
        var xfcc = "By=spiffe://edge;Cert=\"" + Uri.EscapeDataString(Pem) + "\";URI=spiffe://tpp,By=spiffe://inner;Cert=\"" + other + "\"";
        using var read = AssertReads(xfcc, CertificateSourceFormat.Xfcc);
        Assert.Empty(read.Chain);
    }

    [Fact]
    public void Envoy_quoted_subject_with_commas_semicolons_and_escaped_quotes_is_skipped()
    {
        var xfcc = "Hash=ab;Subject=\"CN=tpp.example,O=Example\\, \\\"TPP\\\" Ltd;x,C=GB\";Cert=\"" + Uri.EscapeDataString(Pem) + "\"";
        AssertReads(xfcc, CertificateSourceFormat.Xfcc);
    }

    [Fact]
    public void Envoy_unquoted_cert_is_read()
        => AssertReads("Hash=ab;Cert=" + Uri.EscapeDataString(Pem), CertificateSourceFormat.Xfcc);

    [Theory]
    [InlineData("By=http://frontend.lyft.com;Hash=468e;Subject=\"/C=US/CN=Test Client\";URI=http://testclient.lyft.com")]
    [InlineData("By=http://frontend.lyft.com;Hash=468e;URI=http://a,By=http://b;Cert=\"x\"")]
    [InlineData("Hash=1234;Chain=\"foobar\"")]
    public void Envoy_element_without_cert_has_no_certificate(string xfcc)
        => AssertFails(xfcc, CertificateReadError.NoCertificateInElement);

    [Theory]
    [InlineData("Hash=1234;Cert=\"no end quote")]
    [InlineData("Hash=1234;Cert=no start quote\"")]
    [InlineData("Hash=1234;Cert=\"a\"b")]
    [InlineData("Hash=1234;justtext")]
    [InlineData("Cert=\"a\";Cert=\"b\"")]
    public void Envoy_value_with_broken_structure_is_invalid_xfcc(string xfcc)
        => AssertFails(xfcc, CertificateReadError.InvalidXfcc);

    [Fact]
    public void Envoy_cert_that_is_not_a_certificate_is_refused()
    {
        var result = ForwardedCertificateReader.Read("Cert=\"foobar\"");
        Assert.False(result.Succeeded);
        Assert.Equal(CertificateReadError.InvalidBase64, result.Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t\r\n")]
    public void Absent_value_is_missing(string? value)
        => AssertFails(value, CertificateReadError.Missing);

    [Fact]
    public void Value_over_the_limit_is_refused_before_decoding()
    {
        var result = ForwardedCertificateReader.Read(Base64, options: new CertificateReaderOptions { MaxValueLength = Base64.Length - 1 });
        Assert.Equal(CertificateReadError.TooLarge, result.Error);

        // A value that is garbage past the limit is TooLarge, never InvalidBase64: size comes first.
        Assert.Equal(CertificateReadError.TooLarge, ForwardedCertificateReader.Read(new string('!', 16 * 1024 + 1)).Error);
    }

    [Fact]
    public void Value_of_no_known_shape_is_unknown_format()
        => AssertFails("hello, world!", CertificateReadError.UnknownFormat);

    [Theory]
    [InlineData("MIIB===x")]
    [InlineData("MII")]
    public void Broken_base64_is_invalid_base64(string value)
        => AssertFails(value, CertificateReadError.InvalidBase64);

    [Fact]
    public void Base64url_alphabet_is_invalid_base64_when_base64_is_expected()
    {
        var url = Base64.Replace('+', '-').Replace('/', '_');
        AssertFails(url, CertificateReadError.InvalidBase64, CertificateSourceFormat.Base64);
    }

    [Fact]
    public void Pem_without_end_line_is_invalid_pem()
        => AssertFails(Pem.Replace("-----END CERTIFICATE-----", "", StringComparison.Ordinal), CertificateReadError.InvalidPem);

    [Fact]
    public void Pem_with_mismatched_labels_is_invalid_pem()
        => AssertFails(Pem.Replace("-----END CERTIFICATE-----", "-----END X509 CRL-----", StringComparison.Ordinal), CertificateReadError.InvalidPem);

    [Fact]
    public void Pem_private_key_is_invalid_pem()
        => AssertFails(PkiExport.PrivateKeyPem(Leaf), CertificateReadError.InvalidPem);

    [Fact]
    public void Pem_with_text_around_it_is_invalid_pem()
        => AssertFails("subject=CN=tpp\n" + Pem, CertificateReadError.InvalidPem, CertificateSourceFormat.Pem);

    [Theory]
    [InlineData("-----BEGIN%20CERTIFICATE-----%0AMII%G1")]
    [InlineData("-----BEGIN%20CERTIFICATE-----%0AMII%2")]
    [InlineData("-----BEGIN%20CERTIFICATE-----%C3%A9")]
    public void Broken_percent_encoding_is_invalid_url_encoding(string value)
        => AssertFails(value, CertificateReadError.InvalidUrlEncoding);

    [Fact]
    public void Bytes_that_are_not_a_certificate_are_invalid_der()
        => AssertFails(Convert.ToBase64String([0x30, 0x03, 0x02, 0x01, 0x01]), CertificateReadError.InvalidDer);

    [Fact]
    public void Ber_indefinite_length_is_invalid_der()
    {
        var der = Leaf.RawData;
        var header = HeaderLength(der);
        byte[] ber = [0x30, 0x80, .. der.AsSpan(header), 0x00, 0x00];
        AssertFails(Convert.ToBase64String(ber), CertificateReadError.InvalidDer);
    }

    [Fact]
    public void Non_minimal_length_of_the_inner_tbs_certificate_is_invalid_der()
    {
        var der = Leaf.RawData;
        var outerHeader = HeaderLength(der);
        var inner = der.AsSpan(outerHeader);
        var tbsHeader = HeaderLength(inner);
        var tbsLength = inner[tbsHeader..].Length;

        // Rewrite the tbsCertificate length with one extra leading zero octet, then fix the outer length.
        var tbsContentLength = (inner[2] << 8) | inner[3];
        Assert.Equal(4, tbsHeader);
        byte[] newInner = [0x30, 0x83, 0x00, inner[2], inner[3], .. inner[4..]];
        var total = newInner.Length;
        byte[] cert = [0x30, 0x82, (byte)(total >> 8), (byte)total, .. newInner];
        Assert.True(tbsContentLength < tbsLength + 1);
        AssertFails(Convert.ToBase64String(cert), CertificateReadError.InvalidDer);
    }

    [Fact]
    public void Bytes_after_the_certificate_are_trailing_data()
        => AssertFails(Convert.ToBase64String([.. Leaf.RawData, 0x00, 0x01]), CertificateReadError.TrailingData);

    [Fact]
    public void Concatenated_der_certificates_are_multiple_certificates()
        => AssertFails(Convert.ToBase64String([.. Leaf.RawData, .. Catalogue.IssuingCa.Certificate.RawData]), CertificateReadError.MultipleCertificates);

    [Fact]
    public void Two_pem_blocks_where_one_is_expected_are_multiple_certificates()
        => AssertFails(Pem + PkiExport.CertificatePem(Catalogue.Root.Certificate), CertificateReadError.MultipleCertificates);

    [Fact]
    public void Pkcs7_bundle_is_a_container_not_a_certificate()
    {
        var bundle = new X509Certificate2Collection { X509CertificateLoader.LoadCertificate(Leaf.RawData) }.Export(X509ContentType.Pkcs7)!;
        AssertFails(Convert.ToBase64String(bundle), CertificateReadError.ContainerNotAllowed);
        AssertFails("-----BEGIN PKCS7-----\n" + Convert.ToBase64String(bundle) + "\n-----END PKCS7-----\n", CertificateReadError.ContainerNotAllowed);
    }

    [Fact]
    public void Pkcs12_file_is_a_container_not_a_certificate()
    {
        var pfx = PkiExport.Pkcs12(Leaf, "pw");
        Assert.Equal(CertificateReadError.ContainerNotAllowed, ForwardedCertificateReader.Read(pfx).Error);
        AssertFails(Convert.ToBase64String(pfx), CertificateReadError.ContainerNotAllowed);
    }

    [Fact]
    public void Der_file_bytes_are_read()
    {
        var result = ForwardedCertificateReader.Read(Leaf.RawData);
        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(CertificateSourceFormat.Der, result.Value.Format);
        result.Value.Dispose();
    }

    [Fact]
    public void Pem_file_bytes_with_a_byte_order_mark_are_read()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.ASCII.GetBytes(Pem)];
        var result = ForwardedCertificateReader.Read(bytes);
        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(Leaf.RawData, result.Value.Certificate.RawData);
        result.Value.Dispose();
    }

    [Fact]
    public void Der_asked_for_in_a_string_is_unknown_format()
        => AssertFails(Base64, CertificateReadError.UnknownFormat, CertificateSourceFormat.Der);

    [Fact]
    public void Mutated_values_never_throw()
    {
        var random = new Random(9440);
        var shapes = new[] { Base64, ":" + Base64 + ":", Pem, Uri.EscapeDataString(Pem), "Hash=a;Cert=\"" + Uri.EscapeDataString(Pem) + "\"" };
        var failures = 0;
        for (var i = 0; i < 400; i++)
        {
            var chars = shapes[i % shapes.Length].ToCharArray();
            for (var m = 0; m < 1 + (i % 3); m++)
            {
                chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
            }

            var result = ForwardedCertificateReader.Read(new string(chars));
            if (result.Succeeded)
            {
                result.Value.Dispose();
            }
            else
            {
                Assert.NotEqual(CertificateReadError.None, result.Error);
                Assert.False(string.IsNullOrEmpty(result.Message));
                failures++;
            }
        }

        Assert.True(failures > 0);
    }

    private static ForwardedCertificate AssertReads(string value, CertificateSourceFormat expected, CertificateSourceFormat format = CertificateSourceFormat.Auto)
    {
        var result = ForwardedCertificateReader.Read(value, format);
        Assert.True(result.Succeeded, $"{result.Error}: {result.Message}");
        Assert.Equal(expected, result.Value.Format);
        Assert.Equal(Leaf.RawData, result.Value.Certificate.RawData);
        return result.Value;
    }

    private static void AssertFails(string? value, CertificateReadError expected, CertificateSourceFormat format = CertificateSourceFormat.Auto)
    {
        var result = ForwardedCertificateReader.Read(value, format);
        Assert.False(result.Succeeded);
        Assert.Null(result.Value);
        Assert.Equal(expected, result.Error);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    private static int HeaderLength(ReadOnlySpan<byte> der) => der[1] < 0x80 ? 2 : 2 + (der[1] & 0x7F);
}
