using System.Formats.Asn1;
using TppGate.Core.Trust.Revocation.Ocsp;
using TppGate.Pki;

namespace TppGate.Core.Tests.Trust.Ocsp;

/// <summary>The OCSP response reader against hostile bytes: anything but a strict DER, verified answer is refused.</summary>
public sealed class OcspResponseReaderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly QtspAuthority _issuing = QtspAuthority.CreateRoot("OCSP Reader Issuing CA", Now.AddYears(-1), Now.AddYears(1));
    private readonly OcspCertId _id;
    private readonly byte[] _good;

    public OcspResponseReaderTests()
    {
        using var leaf = _issuing.Issue(new CertificateProfile { NotBefore = Now.AddDays(-1), NotAfter = Now.AddDays(30), OmitCrlDistributionPoint = true });
        _id = OcspCertId.For(leaf, _issuing.Certificate);
        _good = new OcspResponseFactory(_issuing.Certificate, _id, Now.AddMinutes(-1)) { NextUpdate = Now.AddHours(1) }.Build();
    }

    public void Dispose() => _issuing.Dispose();

    [Fact]
    public void A_well_formed_answer_from_the_issuer_reads_as_good()
    {
        var answer = Read(_good, out var problem);

        Assert.Null(problem);
        Assert.Equal(new OcspAnswer(OcspCertStatus.Good, Now.AddMinutes(-1), Now.AddHours(1)), answer);
    }

    [Fact]
    public void The_request_is_der_with_a_sha1_cert_id_and_no_nonce()
    {
        var request = _id.EncodeRequest();

        var r = new AsnReader(request, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        var single = r.ReadSequence().ReadSequence();
        Assert.False(r.HasData);
        var certId = single.ReadSequence();
        Assert.False(single.HasData);
        Assert.Equal("1.3.14.3.2.26", certId.ReadSequence().ReadObjectIdentifier());
        Assert.Equal(_id.IssuerNameHash, certId.ReadOctetString());
        Assert.Equal(_id.IssuerKeyHash, certId.ReadOctetString());
        Assert.Equal(_id.Serial, certId.ReadIntegerBytes().ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public void A_truncated_response_is_refused(int cut)
    {
        Assert.Null(Read(_good[..^cut], out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        Assert.Null(Read([.. _good, 0x00, 0x00], out var problem));
        Assert.Contains("DER", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_form_length_where_der_needs_the_short_one_is_refused()
    {
        // SEQUENCE with its length in the long form (0x81 nn) although it is under 128: BER, not DER.
        var inner = new AsnReader(_good, AsnEncodingRules.DER).ReadSequence();
        var status = inner.ReadEncodedValue().ToArray();
        var rest = inner.ReadEncodedValue().ToArray();
        byte[] content = [.. status, .. rest];
        byte[] ber = content.Length < 128 ? [0x30, 0x81, (byte)content.Length, .. content] : [0x30, 0x83, 0, (byte)(content.Length >> 8), (byte)content.Length, .. content];

        Assert.Null(Read(ber, out var problem));
        Assert.Contains("DER", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_indefinite_length_is_refused()
    {
        var content = _good.AsSpan(2 + (_good[1] > 0x80 ? _good[1] - 0x80 : 0)).ToArray();
        byte[] ber = [0x30, 0x80, .. content, 0x00, 0x00];

        Assert.Null(Read(ber, out var problem));
        Assert.Contains("DER", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_status_written_as_an_integer_instead_of_enumerated_is_refused()
    {
        var copy = (byte[])_good.Clone();
        var at = 2 + (copy[1] > 0x80 ? copy[1] - 0x80 : 0);
        Assert.Equal(0x0A, copy[at]);
        copy[at] = 0x02;

        Assert.Null(Read(copy, out var problem));
        Assert.Contains("DER", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "malformedRequest")]
    [InlineData(3, "tryLater")]
    [InlineData(6, "unauthorized")]
    public void An_unsuccessful_status_is_refused_by_name(int status, string name)
    {
        Assert.Null(Read(OcspResponseFactory.Wrap([], status), out var problem));
        Assert.Contains(name, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_response_type_is_refused()
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteEnumeratedValue(DayOfWeek.Sunday);
            using (w.PushSequence(OcspResponseFactory.Context0))
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier("1.3.6.1.5.5.7.48.1.99");
                var response = new AsnReader(_good, AsnEncodingRules.DER).ReadSequence();
                response.ReadEncodedValue(); // responseStatus
                var bytes = response.ReadSequence(OcspResponseFactory.Context0).ReadSequence();
                bytes.ReadObjectIdentifier();
                w.WriteOctetString(bytes.ReadOctetString());
            }
        }

        Assert.Null(Read(w.Encode(), out var problem));
        Assert.Contains("not id-pkix-ocsp-basic", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_garbage_and_empty_input_are_refused()
    {
        Assert.Null(Read([], out _));
        Assert.Null(Read([0x30, 0x00], out _));
        Assert.Null(Read(System.Text.Encoding.ASCII.GetBytes("<html>ocsp</html>"), out _));
    }

    [Fact]
    public void Every_single_byte_flip_is_refused_or_reads_the_same_answer()
    {
        // No flip may turn the answer into another status or crash the reader: the signature covers the answer.
        for (var i = 0; i < _good.Length; i++)
        {
            var copy = (byte[])_good.Clone();
            copy[i] ^= 0x01;
            var answer = Read(copy, out var problem);
            Assert.True(answer is null ? problem is not null : answer.Status == OcspCertStatus.Good, $"byte {i}");
        }
    }

    private OcspAnswer? Read(byte[] der, out string? problem)
        => OcspResponseReader.TryRead(der, _id, _issuing.Certificate, Now, TimeSpan.FromMinutes(5), out problem);
}
