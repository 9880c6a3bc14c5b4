using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Asn1;

namespace TppGate.Core.Eidas;

/// <summary>Reads qcStatements and organizationIdentifier from a certificate. Never throws for malformed content: it reports findings.</summary>
public static class EidasReader
{
    private const int MaxNameLength = 256;

    // Statement and attribute OIDs compared as encoded bytes: decoding each OID to a string costs more than the rest of the parse.
    private static readonly byte[] QcComplianceOid = CertificateDer.OidContent(Oids.QcCompliance);
    private static readonly byte[] QcSscdOid = CertificateDer.OidContent(Oids.QcSscd);
    private static readonly byte[] QcRetentionPeriodOid = CertificateDer.OidContent(Oids.QcRetentionPeriod);
    private static readonly byte[] QcPdsOid = CertificateDer.OidContent(Oids.QcPds);
    private static readonly byte[] QcTypeOid = CertificateDer.OidContent(Oids.QcType);
    private static readonly byte[] Psd2StatementOid = CertificateDer.OidContent(Oids.Psd2Statement);
    private static readonly byte[] OrganizationIdentifierOid = CertificateDer.OidContent(Oids.OrganizationIdentifier);
    private static readonly byte[] QcStatementsOid = CertificateDer.OidContent(Oids.QcStatements);

    /// <summary>Reads the eIDAS/PSD2 content of <paramref name="certificate"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is null.</exception>
    public static EidasProfile Read(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);

        // Walking the DER ourselves is cheaper than X509Certificate2.Extensions, which materialises every
        // extension through the platform on first use: that was most of the eIDAS cost on the cold path.
        if (CertificateDer.TryFindExtension(certificate.RawDataMemory, QcStatementsOid, out var located, out var subject))
        {
            return WithStructure(Read(located, subject), certificate.RawDataMemory);
        }

        ReadOnlyMemory<byte>? qc = null;
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == Oids.QcStatements)
            {
                qc = extension.RawData;
                break;
            }
        }

        return WithStructure(Read(qc, certificate.SubjectName.RawData), certificate.RawDataMemory);
    }

    /// <summary>Adds what is wrong with the X.509 structure itself, which the acceptance rule refuses too.</summary>
    private static EidasProfile WithStructure(EidasProfile profile, ReadOnlyMemory<byte> der)
    {
        var structure = CertificateStructure.Inspect(der);
        var findings = new List<Finding>(profile.Findings);
        if (structure.NonDer is { } nonDer)
        {
            findings.Add(new(FindingCodes.CertificateNotDer, $"The encoding is not DER: {nonDer}."));
        }

        foreach (var oid in structure.DuplicateExtensions)
        {
            findings.Add(new(FindingCodes.ExtensionDuplicate, $"Extension {oid} appears more than once (RFC 5280 clause 4.2)."));
        }

        if (structure.IsCertificateAuthority)
        {
            findings.Add(new(FindingCodes.EndEntityIsCa, "basicConstraints says cA=TRUE: a CA certificate cannot be a TPP's end-entity certificate (RFC 5280 clause 4.2.1.9)."));
        }

        if (profile.QcStatements is { Psd2: not null } qc)
        {
            if (!qc.Compliance)
            {
                findings.Add(new(FindingCodes.QcComplianceMissing, "The certificate has a PSD2 statement but no QcCompliance: it does not claim to be EU qualified (ETSI EN 319 412-5 clause 4.2.1)."));
            }

            if (!qc.Types.Contains("web"))
            {
                findings.Add(new(FindingCodes.QcTypeWebMissing, "The certificate has a PSD2 statement but no QcType web (ETSI EN 319 412-5 clause 4.2.3; a QWAC is a website authentication certificate)."));
            }
        }

        return findings.Count == profile.Findings.Count ? profile : profile with { Findings = findings };
    }

    /// <summary>Reads from the raw qcStatements extension value and the DER subject Name.</summary>
    internal static EidasProfile Read(ReadOnlyMemory<byte>? qcStatements, ReadOnlyMemory<byte> subjectName)
    {
        var findings = new List<Finding>();
        var statements = qcStatements is { } value ? ReadQcStatements(value, findings) : null;
        var orgId = ReadOrganizationIdentifier(subjectName, findings);
        if (orgId is null && statements?.Psd2 is not null)
        {
            findings.Add(new(FindingCodes.OrgIdMissing, "The certificate has a PSD2 statement but no organizationIdentifier in its subject (ETSI TS 119 495 clause 5.2.1)."));
        }

        return new EidasProfile(orgId, statements, findings);
    }

    /// <summary>Parses a qcStatements extension value; null when its outer structure cannot be read.</summary>
    internal static QcStatements? ReadQcStatements(ReadOnlyMemory<byte> value, List<Finding> findings)
    {
        AsnReader outer;
        try
        {
            var reader = new AsnReader(value, AsnEncodingRules.DER);
            outer = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
        }
        catch (AsnContentException)
        {
            findings.Add(new(FindingCodes.QcStatementsMalformed, "qcStatements is not a DER SEQUENCE OF QCStatement (RFC 3739 clause 3.2.6; ETSI EN 319 412-5 clause 4)."));
            return null;
        }

        var state = new QcState();
        try
        {
            if (outer.HasData && outer.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                findings.Add(new(FindingCodes.QcStatementsSingleForm, "qcStatements holds one QCStatement, not a SEQUENCE OF QCStatement (RFC 3739 clause 3.2.6); read leniently."));
                ReadStatement(outer, ref state, findings);
            }
            else
            {
                while (outer.HasData)
                {
                    ReadStatement(outer.ReadSequence(), ref state, findings);
                }
            }
        }
        catch (AsnContentException)
        {
            findings.Add(new(FindingCodes.QcStatementsMalformed, "A QCStatement is not SEQUENCE { statementId OID, statementInfo ANY OPTIONAL } (RFC 3739 clause 3.2.6)."));
        }

        return new QcStatements(
            state.Compliance,
            (IReadOnlyList<string>?)state.Types ?? [],
            state.Sscd,
            state.RetentionYears,
            (IReadOnlyList<PdsLocation>?)state.Pds ?? [],
            state.Psd2);
    }

    private static void ReadStatement(AsnReader statement, ref QcState state, List<Finding> findings)
    {
        var oid = CertificateDer.ReadOidContent(statement);
        ReadOnlyMemory<byte>? info = statement.HasData ? statement.ReadEncodedValue() : null;
        statement.ThrowIfNotEmpty();

        var bit = oid.SequenceEqual(QcComplianceOid) ? 1
            : oid.SequenceEqual(QcSscdOid) ? 2
            : oid.SequenceEqual(QcRetentionPeriodOid) ? 4
            : oid.SequenceEqual(QcPdsOid) ? 8
            : oid.SequenceEqual(QcTypeOid) ? 16
            : oid.SequenceEqual(Psd2StatementOid) ? 32
            : 0;
        if (bit == 0)
        {
            // Statements this reader does not use (pkixQCSyntax-v2, QcLimitValue, national ones) are legal.
            return;
        }

        if ((state.Seen & bit) != 0)
        {
            findings.Add(new(FindingCodes.QcStatementDuplicate, $"Statement {NameOf(bit)} appears more than once (ETSI EN 319 412-5 clause 4); the first is used."));
            return;
        }

        state.Seen |= bit;
        if (bit == 32)
        {
            state.Psd2 = ReadPsd2(info, findings);
            return;
        }

        try
        {
            switch (bit)
            {
                case 1:
                    state.Compliance = true;
                    break;
                case 2:
                    state.Sscd = true;
                    break;
                case 4:
                    state.RetentionYears = ReadRetention(Required(info));
                    break;
                case 8:
                    state.Pds = ReadPds(Required(info));
                    break;
                case 16:
                    state.Types = ReadTypes(Required(info));
                    break;
            }
        }
        catch (AsnContentException)
        {
            findings.Add(new(FindingCodes.QcStatementsMalformed, $"Statement {NameOf(bit)} has statementInfo that does not follow ETSI EN 319 412-5 clause 4; it is ignored."));
        }
    }

    private static string NameOf(int bit) => bit switch
    {
        1 => Oids.QcCompliance,
        2 => Oids.QcSscd,
        4 => Oids.QcRetentionPeriod,
        8 => Oids.QcPds,
        16 => Oids.QcType,
        _ => Oids.Psd2Statement,
    };

    private static ReadOnlyMemory<byte> Required(ReadOnlyMemory<byte>? info)
        => info ?? throw new AsnContentException("statementInfo is required.");

    private static int ReadRetention(ReadOnlyMemory<byte> info)
    {
        var reader = new AsnReader(info, AsnEncodingRules.DER);
        if (!reader.TryReadInt32(out var years) || years < 0)
        {
            throw new AsnContentException("Retention period out of range.");
        }

        reader.ThrowIfNotEmpty();
        return years;
    }

    private static List<PdsLocation> ReadPds(ReadOnlyMemory<byte> info)
    {
        var reader = new AsnReader(info, AsnEncodingRules.DER);
        var list = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var locations = new List<PdsLocation>(2);
        while (list.HasData)
        {
            var pds = list.ReadSequence();
            var url = pds.ReadCharacterString(UniversalTagNumber.IA5String);
            var language = pds.ReadCharacterString(UniversalTagNumber.PrintableString);
            pds.ThrowIfNotEmpty();
            locations.Add(new PdsLocation(url, language));
        }

        return locations;
    }

    private static List<string> ReadTypes(ReadOnlyMemory<byte> info)
    {
        var reader = new AsnReader(info, AsnEncodingRules.DER);
        var list = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var types = new List<string>(1);
        while (list.HasData)
        {
            var name = list.ReadObjectIdentifier() switch
            {
                Oids.QcTypeEsign => "esign",
                Oids.QcTypeEseal => "eseal",
                Oids.QcTypeWeb => "web",
                _ => null,
            };
            if (name is not null && !types.Contains(name))
            {
                types.Add(name);
            }
        }

        return types;
    }

    private static Psd2Statement? ReadPsd2(ReadOnlyMemory<byte>? info, List<Finding> findings)
    {
        var entries = new List<(string Oid, string Name)>(4);
        string ncaName;
        string ncaId;
        try
        {
            var reader = new AsnReader(Required(info), AsnEncodingRules.DER);
            var psd2 = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var roles = psd2.ReadSequence();
            while (roles.HasData)
            {
                var role = roles.ReadSequence();
                var oid = role.ReadObjectIdentifier();
                var name = role.ReadCharacterString(UniversalTagNumber.UTF8String);
                role.ThrowIfNotEmpty();
                entries.Add((oid, name));
            }

            ncaName = psd2.ReadCharacterString(UniversalTagNumber.UTF8String);
            ncaId = psd2.ReadCharacterString(UniversalTagNumber.UTF8String);
            psd2.ThrowIfNotEmpty();
        }
        catch (AsnContentException)
        {
            findings.Add(new(FindingCodes.Psd2StatementMalformed, "The PSD2 statement is not SEQUENCE { rolesOfPSP, nCAName UTF8String, nCAId UTF8String } (ETSI TS 119 495 clause 5.1); no roles are read."));
            return null;
        }

        var granted = new List<Psd2Role>(entries.Count);
        if (entries.Count == 0)
        {
            findings.Add(new(FindingCodes.Psd2RolesEmpty, "RolesOfPSP is empty (ETSI TS 119 495 GEN-5.2.2-1): the certificate grants no PSD2 role."));
        }

        foreach (var (oid, name) in entries)
        {
            var role = RoleOf(oid);
            if (role == 0)
            {
                findings.Add(new(FindingCodes.Psd2RoleOidUnknown, $"Role OID {oid} (\"{Printable(name)}\") is not one of 0.4.0.19495.1.1-4 (ETSI TS 119 495 GEN-5.2-2); it grants nothing."));
                continue;
            }

            if (Psd2Roles.TryParseCanonicalName(name, out var named) && named != role)
            {
                findings.Add(new(FindingCodes.Psd2RoleNameMismatch, $"Role name {name} is written on the {role.ToCanonicalName()} OID {oid} (ETSI TS 119 495 GEN-5.2.2-5); neither role is granted."));
                continue;
            }

            if (named != role)
            {
                findings.Add(new(FindingCodes.Psd2RoleNameNonstandard, $"Role OID {oid} is named \"{Printable(name)}\", not {role.ToCanonicalName()} (ETSI TS 119 495 GEN-5.2-2); the OID decides the role."));
            }

            if (granted.Contains(role))
            {
                findings.Add(new(FindingCodes.Psd2RoleDuplicate, $"Role {role.ToCanonicalName()} appears more than once in RolesOfPSP (ETSI TS 119 495 clause 5.1)."));
                continue;
            }

            granted.Add(role);
        }

        CheckNcaName(ncaName, findings);
        CheckNcaId(ncaId, findings);
        return new Psd2Statement(granted, ncaName, ncaId);
    }

    private static Psd2Role RoleOf(string oid) => oid switch
    {
        Oids.Psd2RoleAs => Psd2Role.AccountServicing,
        Oids.Psd2RolePi => Psd2Role.PaymentInitiation,
        Oids.Psd2RoleAi => Psd2Role.AccountInformation,
        Oids.Psd2RoleIc => Psd2Role.CardIssuing,
        _ => 0,
    };

    private static void CheckNcaName(string name, List<Finding> findings)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            findings.Add(new(FindingCodes.Psd2NcaNameInvalid, $"NCAName is {name.Length} characters; it must be 1-256 (ETSI TS 119 495 clause 5.1, GEN-5.2.3-1)."));
            return;
        }

        foreach (var c in name)
        {
            if (c is < ' ' or > '~')
            {
                findings.Add(new(FindingCodes.Psd2NcaNameInvalid, $"NCAName \"{Printable(name)}\" is not plain Latin text (ETSI TS 119 495 GEN-5.2.3-1)."));
                return;
            }
        }
    }

    private static void CheckNcaId(string id, List<Finding> findings)
    {
        var span = id.AsSpan();
        string? problem = null;
        if (span.Length < 5 || span[2] != '-')
        {
            problem = "has no CC-XXXX structure";
        }
        else if (!Iso3166.IsAssigned(span[..2]))
        {
            problem = $"starts with {Printable(span[..2].ToString())}, which is no ISO 3166-1 alpha-2 country";
        }
        else if (!IsCapitals(span[3..], 2, 8))
        {
            problem = "has an authority part that is not 2-8 capital letters";
        }

        if (problem is not null)
        {
            findings.Add(new(FindingCodes.Psd2NcaIdInvalid, $"NCAId \"{Printable(id)}\" {problem} (ETSI TS 119 495 GEN-5.2.3-2)."));
        }
    }

    private static OrganizationIdentifier? ReadOrganizationIdentifier(ReadOnlyMemory<byte> subjectName, List<Finding> findings)
    {
        string? value = null;
        try
        {
            var reader = new AsnReader(subjectName, AsnEncodingRules.DER);
            var rdns = reader.ReadSequence();
            while (rdns.HasData)
            {
                var set = rdns.ReadSetOf();
                while (set.HasData)
                {
                    var attribute = set.ReadSequence();
                    if (!CertificateDer.ReadOidContent(attribute).SequenceEqual(OrganizationIdentifierOid))
                    {
                        continue;
                    }

                    var text = ReadDirectoryString(attribute);
                    if (value is not null)
                    {
                        findings.Add(new(FindingCodes.OrgIdMalformed, "The subject has more than one organizationIdentifier (ETSI EN 319 412-1 clause 5.1.4); the first is used."));
                        continue;
                    }

                    value = text;
                }
            }
        }
        catch (AsnContentException)
        {
            findings.Add(new(FindingCodes.OrgIdMalformed, "The subject's organizationIdentifier cannot be read as a DirectoryString (ETSI EN 319 412-1 clause 5.1.4)."));
            return null;
        }

        return value is null ? null : ParseOrganizationIdentifier(value, findings);
    }

    private static string ReadDirectoryString(AsnReader attribute)
    {
        var tag = attribute.PeekTag();
        if (tag.TagClass != TagClass.Universal)
        {
            throw new AsnContentException("Not a DirectoryString.");
        }

        return (UniversalTagNumber)tag.TagValue switch
        {
            UniversalTagNumber.UTF8String => attribute.ReadCharacterString(UniversalTagNumber.UTF8String),
            UniversalTagNumber.PrintableString => attribute.ReadCharacterString(UniversalTagNumber.PrintableString),
            UniversalTagNumber.BMPString => attribute.ReadCharacterString(UniversalTagNumber.BMPString),
            UniversalTagNumber.IA5String => attribute.ReadCharacterString(UniversalTagNumber.IA5String),
            UniversalTagNumber.T61String => attribute.ReadCharacterString(UniversalTagNumber.T61String),
            _ => throw new AsnContentException("Not a DirectoryString."),
        };
    }

    /// <summary>Splits an organizationIdentifier value per ETSI EN 319 412-1 clause 5.1.4 and TS 119 495 GEN-5.2.1-3.</summary>
    internal static OrganizationIdentifier ParseOrganizationIdentifier(string value, List<Finding> findings)
    {
        var span = value.AsSpan();
        if (span.Length < 7 || !IsCapitals(span[..3], 3, 3) || !IsCapitals(span.Slice(3, 2), 2, 2) || span[5] != '-')
        {
            findings.Add(new(FindingCodes.OrgIdMalformed, $"organizationIdentifier \"{Printable(value)}\" is not scheme (3 letters), country (2 letters), '-', identifier (ETSI EN 319 412-1 clause 5.1.4; TS 119 495 GEN-5.2.1-3)."));
            return new OrganizationIdentifier(value, null, null, null, null);
        }

        var scheme = value[..3];
        var country = value[3..5];
        var rest = span[6..];
        if (!Iso3166.IsAssigned(country))
        {
            findings.Add(new(FindingCodes.OrgIdMalformed, $"organizationIdentifier \"{Printable(value)}\" names {country}, which is no ISO 3166-1 alpha-2 country (ETSI EN 319 412-1 clause 5.1.4)."));
        }

        if (scheme != "PSD")
        {
            findings.Add(new(FindingCodes.OrgIdNotPsd, $"organizationIdentifier \"{Printable(value)}\" has scheme {scheme}, not PSD (ETSI TS 119 495 GEN-5.2.1-3)."));
            return new OrganizationIdentifier(value, scheme, country, null, rest.ToString());
        }

        var dash = rest.IndexOf('-');
        if (dash < 0 || !IsCapitals(rest[..dash], 2, 8) || dash == rest.Length - 1)
        {
            findings.Add(new(FindingCodes.OrgIdMalformed, $"organizationIdentifier \"{Printable(value)}\" is not PSD, country, '-', NCA (2-8 capitals), '-', authorisation number (ETSI TS 119 495 GEN-5.2.1-3)."));
            return new OrganizationIdentifier(value, scheme, country, null, null);
        }

        return new OrganizationIdentifier(value, scheme, country, rest[..dash].ToString(), rest[(dash + 1)..].ToString());
    }

    private static bool IsCapitals(ReadOnlySpan<char> text, int min, int max)
    {
        if (text.Length < min || text.Length > max)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Keeps a certificate's text safe for a log line: control characters become '?', long values are cut.</summary>
    private static string Printable(string text)
    {
        var cut = text.Length > 80 ? text[..80] + "..." : text;
        return string.Create(cut.Length, cut, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }

    private struct QcState
    {
        public int Seen;
        public bool Compliance;
        public bool Sscd;
        public int? RetentionYears;
        public List<PdsLocation>? Pds;
        public List<string>? Types;
        public Psd2Statement? Psd2;
    }
}
