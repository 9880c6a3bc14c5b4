using System.Formats.Asn1;

namespace TppGate.Core.Asn1;

/// <summary>What is wrong with a certificate's X.509 structure, apart from its eIDAS content.</summary>
/// <param name="NonDer">Where the encoding is not DER, or null when it is DER throughout (extension values included).</param>
/// <param name="DuplicateExtensions">OIDs of extensions that appear more than once (RFC 5280 clause 4.2).</param>
/// <param name="IsCertificateAuthority">basicConstraints says cA=TRUE.</param>
internal sealed record CertificateStructureReport(string? NonDer, IReadOnlyList<string> DuplicateExtensions, bool IsCertificateAuthority);

/// <summary>
/// Reads a certificate's structure strictly (RFC 5280 clause 4.1 and 4.2): DER in every value, including the
/// extension values and the DEFAULT fields DER must leave out, each extension once, and basicConstraints.
/// </summary>
internal static class CertificateStructure
{
    private const string BasicConstraints = "2.5.29.19";
    private static readonly Asn1Tag VersionTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

    /// <summary>Inspects <paramref name="der"/>, a certificate that has already loaded.</summary>
    public static CertificateStructureReport Inspect(ReadOnlyMemory<byte> der)
    {
        var nonDer = DerStrictness.FindViolation(der.Span);
        var duplicates = new List<string>();
        var isCa = false;
        try
        {
            var tbs = new AsnReader(der, AsnEncodingRules.BER).ReadSequence().ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(VersionTag))
            {
                var version = tbs.ReadSequence(VersionTag).ReadInteger();
                if (version.IsZero)
                {
                    nonDer ??= "version v1 is written although DER leaves a DEFAULT value out (X.690 clause 11.5)";
                }
            }

            for (var i = 0; i < 6; i++)
            {
                tbs.ReadEncodedValue(); // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
            }

            while (tbs.HasData)
            {
                if (!tbs.PeekTag().HasSameClassAndValue(ExtensionsTag))
                {
                    tbs.ReadEncodedValue();
                    continue;
                }

                var seen = new HashSet<string>(StringComparer.Ordinal);
                var extensions = tbs.ReadSequence(ExtensionsTag).ReadSequence();
                while (extensions.HasData)
                {
                    var extension = extensions.ReadSequence();
                    var oid = extension.ReadObjectIdentifier();
                    if (!seen.Add(oid) && !duplicates.Contains(oid))
                    {
                        duplicates.Add(oid);
                    }

                    if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && !extension.ReadBoolean())
                    {
                        nonDer ??= $"extension {oid} writes critical FALSE although DER leaves a DEFAULT value out (X.690 clause 11.5)";
                    }

                    var value = extension.ReadOctetString();
                    nonDer ??= ExtensionValueProblem(oid, value);
                    if (oid == BasicConstraints)
                    {
                        isCa |= ReadCa(value, ref nonDer);
                    }
                }
            }
        }
        catch (AsnContentException)
        {
            nonDer ??= "the certificate's structure cannot be followed (RFC 5280 clause 4.1)";
        }

        return new CertificateStructureReport(nonDer, duplicates, isCa);
    }

    private static string? ExtensionValueProblem(string oid, byte[] value)
    {
        try
        {
            AsnDecoder.ReadEncodedValue(value, AsnEncodingRules.DER, out _, out _, out var consumed);
            if (consumed != value.Length)
            {
                return $"extension {oid}'s value has bytes after its DER encoding (RFC 5280 clause 4.1)";
            }
        }
        catch (AsnContentException)
        {
            return $"extension {oid}'s value is not DER (RFC 5280 clause 4.1)";
        }

        return DerStrictness.FindViolation(value) is { } problem ? $"extension {oid}: {problem}" : null;
    }

    private static bool ReadCa(byte[] value, ref string? nonDer)
    {
        var constraints = new AsnReader(value, AsnEncodingRules.BER).ReadSequence();
        if (!constraints.HasData || !constraints.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
        {
            return false;
        }

        var ca = constraints.ReadBoolean();
        if (!ca)
        {
            nonDer ??= "basicConstraints writes cA FALSE although DER leaves a DEFAULT value out (X.690 clause 11.5)";
        }

        return ca;
    }
}
