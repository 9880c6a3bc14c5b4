using System.Formats.Asn1;
using TppGate.Core.Asn1;

namespace TppGate.Pki;

/// <summary>Writes qcStatements (RFC 3739, ETSI EN 319 412-5, ETSI TS 119 495) in DER.</summary>
public static class QcStatementsEncoder
{
    /// <summary>The qcStatements extension value that <paramref name="profile"/> describes, or null when it has none.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/> is null.</exception>
    public static byte[]? Encode(CertificateProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.RawQcStatements is { } raw)
        {
            return raw.ToArray();
        }

        if (!profile.IncludeQcStatements)
        {
            return null;
        }

        var statements = new List<byte[]>();
        var psd2Index = -1;
        if (profile.QcCompliance)
        {
            statements.Add(Statement(Oids.QcCompliance, null));
        }

        if (profile.QcSscd)
        {
            statements.Add(Statement(Oids.QcSscd, null));
        }

        if (profile.RetentionPeriodYears is { } years)
        {
            var w = new AsnWriter(AsnEncodingRules.DER);
            w.WriteInteger(years);
            statements.Add(Statement(Oids.QcRetentionPeriod, w.Encode()));
        }

        if (profile.PdsLocations.Count > 0)
        {
            var w = new AsnWriter(AsnEncodingRules.DER);
            using (w.PushSequence())
            {
                foreach (var pds in profile.PdsLocations)
                {
                    using (w.PushSequence())
                    {
                        w.WriteCharacterString(UniversalTagNumber.IA5String, pds.Url);
                        w.WriteCharacterString(UniversalTagNumber.PrintableString, pds.Language);
                    }
                }
            }

            statements.Add(Statement(Oids.QcPds, w.Encode()));
        }

        if (profile.QcTypes.Count > 0)
        {
            var w = new AsnWriter(AsnEncodingRules.DER);
            using (w.PushSequence())
            {
                foreach (var type in profile.QcTypes)
                {
                    w.WriteObjectIdentifier(type switch
                    {
                        QcType.Esign => Oids.QcTypeEsign,
                        QcType.Eseal => Oids.QcTypeEseal,
                        _ => Oids.QcTypeWeb,
                    });
                }
            }

            statements.Add(Statement(Oids.QcType, w.Encode()));
        }

        if (profile.IncludePsd2Statement)
        {
            var info = profile.RawPsd2StatementInfo?.ToArray() ?? Psd2StatementInfo(profile.Roles, profile.NcaName, profile.NcaId);
            psd2Index = statements.Count;
            statements.Add(Statement(Oids.Psd2Statement, info));
        }

        foreach (var extra in profile.ExtraQcStatements)
        {
            statements.Add(extra.ToArray());
        }

        if (profile.QcStatementsForm == QcStatementsForm.SingleStatement)
        {
            // The old single form: the extension value is one QCStatement, the PSD2 one when written.
            return statements.Count == 0 ? [] : statements[Math.Max(psd2Index, 0)];
        }

        var outer = new AsnWriter(AsnEncodingRules.DER);
        using (outer.PushSequence())
        {
            var copies = profile.DuplicateQcStatements ? 2 : 1;
            for (var c = 0; c < copies; c++)
            {
                foreach (var s in statements)
                {
                    outer.WriteEncodedValue(s);
                }
            }
        }

        return outer.Encode();
    }

    /// <summary>One QCStatement: <c>SEQUENCE { statementId OID, statementInfo ANY OPTIONAL }</c>.</summary>
    /// <param name="oid">statementId.</param>
    /// <param name="info">DER statementInfo, or null for none.</param>
    public static byte[] Statement(string oid, ReadOnlySpan<byte> info)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier(oid);
            if (!info.IsEmpty)
            {
                w.WriteEncodedValue(info);
            }
        }

        return w.Encode();
    }

    /// <summary>PSD2QcType: <c>SEQUENCE { rolesOfPSP, nCAName, nCAId }</c> (ETSI TS 119 495 clause 5.1).</summary>
    public static byte[] Psd2StatementInfo(IReadOnlyList<Psd2RoleEntry> roles, string ncaName, string ncaId)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                foreach (var role in roles)
                {
                    using (w.PushSequence())
                    {
                        w.WriteObjectIdentifier(role.Oid);
                        w.WriteCharacterString(UniversalTagNumber.UTF8String, role.Name);
                    }
                }
            }

            w.WriteCharacterString(UniversalTagNumber.UTF8String, ncaName);
            w.WriteCharacterString(UniversalTagNumber.UTF8String, ncaId);
        }

        return w.Encode();
    }
}
