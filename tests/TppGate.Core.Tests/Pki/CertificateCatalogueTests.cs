using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Asn1;
using TppGate.Pki;

namespace TppGate.Core.Tests.Pki;

public sealed class CertificateCatalogueTests
{
    private static readonly CertificateCatalogue Catalogue = CertificateCatalogue.Shared;

    public static TheoryData<CatalogueCertificate> AllEntries()
    {
        var data = new TheoryData<CatalogueCertificate>();
        foreach (var name in Enum.GetValues<CatalogueCertificate>())
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllEntries))]
    public void Every_entry_is_issued_by_its_authority_with_a_private_key(CatalogueCertificate name)
    {
        var certificate = Catalogue[name];
        var issuer = Catalogue.IssuerOf(name).Certificate;

        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(issuer.SubjectName.RawData, certificate.IssuerName.RawData);
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        Assert.Equal(issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray(), aki.KeyIdentifier!.Value.ToArray());
    }

    [Theory]
    [InlineData(CatalogueCertificate.QwacAi)]
    [InlineData(CatalogueCertificate.QwacRsaRealistic)]
    [InlineData(CatalogueCertificate.WeakRsa1024Sha1)]
    [InlineData(CatalogueCertificate.NcaNameNotLatin)]
    public void Clean_and_deviating_certificates_chain_to_the_trusted_root(CatalogueCertificate name)
    {
        var status = BuildChain(Catalogue[name], Catalogue.IssuerOf(name).Certificate);
        Assert.Empty(status);
    }

    [Fact]
    public void A_certificate_from_the_look_alike_root_does_not_chain_to_the_trusted_root()
    {
        var status = BuildChain(Catalogue[CatalogueCertificate.FromUntrustedRoot], Catalogue.IssuingCa.Certificate);
        Assert.NotEmpty(status);
        Assert.Equal(Catalogue.IssuingCa.Certificate.SubjectName.Name, Catalogue[CatalogueCertificate.FromUntrustedRoot].IssuerName.Name);
    }

    [Fact]
    public void Qwac_with_two_roles_writes_the_psd2_statement_as_ts_119_495_defines_it()
    {
        var statements = ReadStatements(Catalogue[CatalogueCertificate.QwacAiPi]);

        Assert.Equal([Oids.QcCompliance, Oids.QcRetentionPeriod, Oids.QcPds, Oids.QcType, Oids.Psd2Statement], statements.Select(s => s.Oid));
        var psd2 = new AsnReader(statements[^1].Info, AsnEncodingRules.DER).ReadSequence();
        var roles = psd2.ReadSequence();
        var ai = roles.ReadSequence();
        Assert.Equal(Oids.Psd2RoleAi, ai.ReadObjectIdentifier());
        Assert.Equal("PSP_AI", ai.ReadCharacterString(UniversalTagNumber.UTF8String));
        var pi = roles.ReadSequence();
        Assert.Equal(Oids.Psd2RolePi, pi.ReadObjectIdentifier());
        Assert.Equal("PSP_PI", pi.ReadCharacterString(UniversalTagNumber.UTF8String));
        Assert.False(roles.HasData);
        Assert.Equal("Financial Conduct Authority", psd2.ReadCharacterString(UniversalTagNumber.UTF8String));
        Assert.Equal("GB-FCA", psd2.ReadCharacterString(UniversalTagNumber.UTF8String));
        psd2.ThrowIfNotEmpty();

        var qcType = new AsnReader(statements[3].Info, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(Oids.QcTypeWeb, qcType.ReadObjectIdentifier());
        Assert.False(qcType.HasData);
    }

    [Fact]
    public void Qseal_certificate_says_eseal_only()
    {
        var statements = ReadStatements(Catalogue[CatalogueCertificate.QSealC]);
        var qcType = new AsnReader(statements.Single(s => s.Oid == Oids.QcType).Info, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(Oids.QcTypeEseal, qcType.ReadObjectIdentifier());
        Assert.False(qcType.HasData);
    }

    [Fact]
    public void Subject_carries_the_organization_identifier_as_written()
    {
        var subject = Catalogue[CatalogueCertificate.QwacIc].SubjectName;
        var orgId = subject.EnumerateRelativeDistinguishedNames().Single(r => r.GetSingleElementType().Value == Oids.OrganizationIdentifier);
        Assert.Equal("PSDDE-BAFIN-400004", orgId.GetSingleElementValue());
        Assert.DoesNotContain(Catalogue[CatalogueCertificate.NoOrganizationIdentifier].SubjectName.EnumerateRelativeDistinguishedNames(), r => r.GetSingleElementType().Value == Oids.OrganizationIdentifier);
    }

    [Fact]
    public void Single_statement_form_is_one_qc_statement_not_a_sequence_of_them()
    {
        var value = QcExtension(Catalogue[CatalogueCertificate.SingleQcStatementForm])!;
        var statement = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(Oids.Psd2Statement, statement.ReadObjectIdentifier());
    }

    [Fact]
    public void Duplicate_form_writes_every_statement_twice()
    {
        var statements = ReadStatements(Catalogue[CatalogueCertificate.DuplicateQcStatements]);
        Assert.Equal(2, statements.Count(s => s.Oid == Oids.Psd2Statement));
        Assert.Equal(2, statements.Count(s => s.Oid == Oids.QcCompliance));
    }

    [Fact]
    public void Missing_statements_are_left_out()
    {
        Assert.Null(QcExtension(Catalogue[CatalogueCertificate.NoQcStatements]));
        Assert.DoesNotContain(ReadStatements(Catalogue[CatalogueCertificate.NoPsd2Statement]), s => s.Oid == Oids.Psd2Statement);
    }

    [Fact]
    public void Validity_and_key_usage_deviations_are_written()
    {
        var reference = Catalogue.ReferenceTime;
        Assert.True(Catalogue[CatalogueCertificate.Expired].NotAfter < reference.UtcDateTime);
        Assert.True(Catalogue[CatalogueCertificate.NotYetValid].NotBefore > DateTime.UtcNow.AddYears(10));
        var eku = Catalogue[CatalogueCertificate.ServerAuthOnly].Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal([Oids.ServerAuth], eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        var critical = Catalogue[CatalogueCertificate.UnknownCriticalExtension].Extensions["1.3.6.1.4.1.55555.1.1"];
        Assert.True(critical!.Critical);
        Assert.True(Catalogue[CatalogueCertificate.AttackerIntermediate].Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    [Fact]
    public void Weak_entry_has_an_rsa_1024_key_signed_with_sha1()
    {
        var certificate = Catalogue[CatalogueCertificate.WeakRsa1024Sha1];
        Assert.Equal("1.2.840.113549.1.1.5", certificate.SignatureAlgorithm.Value);
        using var rsa = certificate.GetRSAPublicKey();
        Assert.Equal(1024, rsa!.KeySize);
    }

    [Fact]
    public void Content_is_deterministic_across_catalogues()
    {
        var other = new CertificateCatalogue(CertificateCatalogue.DefaultReferenceTime);
        var a = Catalogue[CatalogueCertificate.NonStandardRoleNames];
        var b = other[CatalogueCertificate.NonStandardRoleNames];

        Assert.Equal(a.SerialNumber, b.SerialNumber);
        Assert.Equal(a.SubjectName.RawData, b.SubjectName.RawData);
        Assert.Equal(a.NotBefore, b.NotBefore);
        Assert.Equal(QcExtension(a), QcExtension(b));
    }

    [Fact]
    public void Exports_round_trip_the_certificate_and_its_key()
    {
        var certificate = Catalogue.QwacAi;
        using var fromPem = X509Certificate2.CreateFromPem(PkiExport.CertificatePem(certificate), PkiExport.PrivateKeyPem(certificate));
        Assert.Equal(certificate.RawData, fromPem.RawData);
        Assert.True(fromPem.HasPrivateKey);
        Assert.Equal(certificate.RawData, Convert.FromBase64String(PkiExport.Base64Der(certificate)));
        Assert.Equal(":" + PkiExport.Base64Der(certificate) + ":", PkiExport.Rfc9440(certificate));
        using var fromPfx = X509CertificateLoader.LoadPkcs12(PkiExport.Pkcs12(certificate, "pw"), "pw");
        Assert.True(fromPfx.HasPrivateKey);
    }

    private static List<X509ChainStatusFlags> BuildChain(X509Certificate2 leaf, X509Certificate2 issuer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Catalogue.Root.Certificate);
        chain.ChainPolicy.ExtraStore.Add(issuer);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Catalogue.ReferenceTime.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.Build(leaf);
        try
        {
            return [.. chain.ChainStatus.Select(s => s.Status)];
        }
        finally
        {
            foreach (var e in chain.ChainElements)
            {
                e.Certificate.Dispose();
            }
        }
    }

    private static byte[]? QcExtension(X509Certificate2 certificate) => certificate.Extensions[Oids.QcStatements]?.RawData;

    private static List<(string Oid, byte[] Info)> ReadStatements(X509Certificate2 certificate)
    {
        var list = new List<(string, byte[])>();
        var outer = new AsnReader(QcExtension(certificate)!, AsnEncodingRules.DER).ReadSequence();
        while (outer.HasData)
        {
            var s = outer.ReadSequence();
            var oid = s.ReadObjectIdentifier();
            list.Add((oid, s.HasData ? s.ReadEncodedValue().ToArray() : []));
        }

        return list;
    }
}
