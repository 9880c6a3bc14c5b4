using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace TppGate.Core.Trust.TrustedLists;

/// <summary>The cryptographic verdict on a trusted list's enveloped signature, before anyone asks who signed it.</summary>
public enum SignatureStatus
{
    /// <summary>The signature and both references (the document and the XAdES SignedProperties) verify.</summary>
    Valid,

    /// <summary>The document carries no signature.</summary>
    Missing,

    /// <summary>A signature of a shape the import refuses (see <see cref="TrustedListSignatureVerifier"/>).</summary>
    Unsupported,

    /// <summary>The signature value or a reference digest does not verify.</summary>
    Invalid,
}

/// <summary>What <see cref="TrustedListSignatureVerifier.Verify"/> found.</summary>
/// <param name="Status">The verdict.</param>
/// <param name="Signer">The certificate in KeyInfo that the signature was checked with, as DER; null when none was read.</param>
/// <param name="Detail">Why, for the log and the command line.</param>
/// <param name="SignerValidity">The signer certificate's notBefore and notAfter, when one was read.</param>
public sealed record TrustedListSignature(SignatureStatus Status, byte[]? Signer, string Detail, (DateTimeOffset NotBefore, DateTimeOffset NotAfter)? SignerValidity = null);

/// <summary>
/// Verifies the enveloped XAdES signature of a trusted list with <see cref="SignedXml"/>, after refusing every shape
/// other than the one TS 119 612 clause 5.7 and EN 319 132-1 prescribe, so that SignedXml is only ever asked to
/// check what a trusted list legitimately contains.
/// </summary>
/// <remarks>
/// The accepted shape: exactly one ds:Signature, a child of the root element; SignedInfo canonicalised with
/// exclusive (or inclusive 1.0) canonicalisation without comments; an RSA signature with SHA-256, -384 or -512;
/// exactly two references, both same-document: <c>URI=""</c> with the enveloped-signature transform (optionally
/// followed by exclusive canonicalisation), and <c>URI="#id"</c> of type SignedProperties pointing at the
/// xades:SignedProperties inside this signature, with no transform or exclusive canonicalisation only; the signer's
/// certificate in KeyInfo. Anything else (an external URI, XPath or XSLT transforms, a third reference, duplicate
/// ids) is <see cref="SignatureStatus.Unsupported"/> before any digest is computed, so nothing in the document can
/// make the verifier fetch or evaluate anything.
/// </remarks>
public static class TrustedListSignatureVerifier
{
    /// <summary>Why callers inherit SignedXml's trimming and AOT warnings: it creates algorithms by name at run time.</summary>
    public const string TrimmingNote = "SignedXml creates its algorithm implementations by name (CryptoConfig); trimming or native AOT may remove them.";

    private static readonly HashSet<string> CanonicalizationMethods =
    [
        TrustedListUris.ExclusiveC14n,
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    ];

    private static readonly HashSet<string> SignatureMethods =
    [
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    ];

    private static readonly HashSet<string> DigestMethods =
    [
        "http://www.w3.org/2001/04/xmlenc#sha256",
        "http://www.w3.org/2001/04/xmldsig-more#sha384",
        "http://www.w3.org/2001/04/xmlenc#sha512",
    ];

    /// <summary>Verifies the signature of <paramref name="document"/> with the certificate its KeyInfo names.</summary>
    /// <remarks>Whether that certificate may sign this list is the caller's question (pinned or announced signers).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    [RequiresUnreferencedCode(TrimmingNote)]
    [RequiresDynamicCode(TrimmingNote)]
    public static TrustedListSignature Verify(XmlDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.DocumentElement;
        var signatures = document.GetElementsByTagName("Signature", TrustedListUris.DsigNamespace);
        if (root is null || signatures.Count == 0)
        {
            return new TrustedListSignature(SignatureStatus.Missing, null, "no ds:Signature");
        }

        if (signatures.Count > 1 || signatures[0] is not XmlElement signatureElement || !ReferenceEquals(signatureElement.ParentNode, root))
        {
            return Unsupported("exactly one ds:Signature, a child of the root element, is accepted");
        }

        // No resolver: the shape check below refuses every URI but "" and one "#id" before SignedXml sees them.
        var signedXml = new SignedXml(document) { Resolver = null! };
        try
        {
            signedXml.LoadXml(signatureElement);
        }
        catch (CryptographicException e)
        {
            return Unsupported($"ds:Signature is not readable: {e.Message}");
        }

        var shape = CheckShape(document, signedXml, signatureElement);
        if (shape is not null)
        {
            return Unsupported(shape);
        }

        var signer = SignerCertificate(signedXml);
        if (signer is null)
        {
            return Unsupported("KeyInfo carries no readable X509Certificate");
        }

        using (signer)
        {
            bool valid;
            try
            {
                valid = signedXml.CheckSignature(signer, verifySignatureOnly: true);
            }
            catch (CryptographicException e)
            {
                return new TrustedListSignature(SignatureStatus.Invalid, signer.RawData, $"signature check failed: {e.Message}");
            }

            var validity = (new DateTimeOffset(signer.NotBefore.ToUniversalTime()), new DateTimeOffset(signer.NotAfter.ToUniversalTime()));
            return valid
                ? new TrustedListSignature(SignatureStatus.Valid, signer.RawData, $"signed by {signer.Subject}", validity)
                : new TrustedListSignature(SignatureStatus.Invalid, signer.RawData, $"the signature or a reference digest does not verify (signer {signer.Subject})", validity);
        }
    }

    private static string? CheckShape(XmlDocument document, SignedXml signedXml, XmlElement signatureElement)
    {
        var info = signedXml.SignedInfo;
        if (info is null)
        {
            return "no SignedInfo";
        }

        if (info.CanonicalizationMethod is not { } c14n || !CanonicalizationMethods.Contains(c14n))
        {
            return $"canonicalization method '{info.CanonicalizationMethod}' is not accepted";
        }

        if (info.SignatureMethod is not { } method || !SignatureMethods.Contains(method))
        {
            return $"signature method '{info.SignatureMethod}' is not accepted";
        }

        if (info.References.Count != 2)
        {
            return $"{info.References.Count} references; exactly two (the document and SignedProperties) are accepted";
        }

        var sawDocument = false;
        var sawProperties = false;
        foreach (Reference reference in info.References)
        {
            if (reference.DigestMethod is not { } digest || !DigestMethods.Contains(digest))
            {
                return $"digest method '{reference.DigestMethod}' is not accepted";
            }

            var transforms = new List<string?>();
            foreach (Transform transform in reference.TransformChain)
            {
                transforms.Add(transform.Algorithm);
            }

            if (reference.Uri == string.Empty && !sawDocument)
            {
                if (!(transforms is [TrustedListUris.EnvelopedSignature] or [TrustedListUris.EnvelopedSignature, TrustedListUris.ExclusiveC14n]))
                {
                    return $"the document reference has transforms [{string.Join(", ", transforms)}]; enveloped-signature and exclusive c14n are accepted";
                }

                sawDocument = true;
            }
            else if (reference.Uri is ['#', .. var id] && !sawProperties)
            {
                if (reference.Type != TrustedListUris.SignedPropertiesType)
                {
                    return $"the reference to #{id} is not of type SignedProperties";
                }

                if (!(transforms is [] or [TrustedListUris.ExclusiveC14n]))
                {
                    return $"the SignedProperties reference has transforms [{string.Join(", ", transforms)}]; exclusive c14n only is accepted";
                }

                var target = SingleElementWithId(document, id);
                if (target is null)
                {
                    return $"#{id} names no element, or more than one";
                }

                if (target.LocalName != "SignedProperties" || target.NamespaceURI != TrustedListUris.XadesNamespace || !IsInside(target, signatureElement))
                {
                    return $"#{id} is not the xades:SignedProperties of this signature";
                }

                sawProperties = true;
            }
            else
            {
                return $"reference URI '{reference.Uri}' is not accepted: only \"\" and one \"#SignedProperties\" (no external URIs)";
            }
        }

        return null;
    }

    private static X509Certificate2? SignerCertificate(SignedXml signedXml)
    {
        foreach (var clause in signedXml.KeyInfo.OfType<KeyInfoX509Data>())
        {
            foreach (var certificate in clause.Certificates ?? [])
            {
                if (certificate is X509Certificate c)
                {
                    try
                    {
                        return X509CertificateLoader.LoadCertificate(c.GetRawCertData());
                    }
                    catch (CryptographicException)
                    {
                        return null;
                    }
                }
            }
        }

        return null;
    }

    // SignedXml resolves "#id" against Id, id and ID attributes anywhere in the document; a second element with
    // the same value would let the digest cover one element while a reader looks at another.
    private static XmlElement? SingleElementWithId(XmlDocument document, string id)
    {
        XmlElement? found = null;
        foreach (var element in Descendants(document.DocumentElement!))
        {
            if (element.HasAttributes && (element.GetAttribute("Id") == id || element.GetAttribute("id") == id || element.GetAttribute("ID") == id))
            {
                if (found is not null)
                {
                    return null;
                }

                found = element;
            }
        }

        return found;
    }

    private static IEnumerable<XmlElement> Descendants(XmlElement root)
    {
        var stack = new Stack<XmlElement>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            yield return element;
            for (var node = element.LastChild; node is not null; node = node.PreviousSibling)
            {
                if (node is XmlElement child)
                {
                    stack.Push(child);
                }
            }
        }
    }

    private static bool IsInside(XmlNode node, XmlElement ancestor)
    {
        for (var n = node.ParentNode; n is not null; n = n.ParentNode)
        {
            if (ReferenceEquals(n, ancestor))
            {
                return true;
            }
        }

        return false;
    }

    private static TrustedListSignature Unsupported(string detail) => new(SignatureStatus.Unsupported, null, detail);
}
