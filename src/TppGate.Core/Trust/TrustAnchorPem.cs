using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TppGate.Core.Trust.TrustedLists;

namespace TppGate.Core.Trust;

/// <summary>
/// The PEM bundle format for anchors that are not self-signed (decision 0003): a line <see cref="NamedAnchorsLine"/>
/// in the text outside the PEM blocks (RFC 7468 explanatory text) makes every certificate in the file or secret an
/// anchor. Without it, self-signed certificates are anchors and the rest only help build paths, as before.
/// </summary>
public static class TrustAnchorPem
{
    /// <summary>The line that marks a bundle whose every certificate is an anchor.</summary>
    public const string NamedAnchorsLine = "TppGate-Trust-Anchors: every certificate below is an anchor";

    /// <summary>True when <paramref name="pem"/> carries <see cref="NamedAnchorsLine"/> on a line of its own.</summary>
    public static bool NamesEveryCertificateAnAnchor(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        foreach (var line in pem.AsSpan().EnumerateLines())
        {
            if (line.Trim().SequenceEqual(NamedAnchorsLine))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes <paramref name="anchors"/> as a named-anchor bundle, each certificate once, with its origin in a comment line.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="anchors"/> is null.</exception>
    public static string Write(IEnumerable<TrustedListAnchor> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var sb = new StringBuilder();
        sb.Append(NamedAnchorsLine).Append('\n');
        foreach (var group in anchors.GroupBy(a => a.Sha256, StringComparer.Ordinal))
        {
            foreach (var a in group)
            {
                sb.Append(CultureInfo.InvariantCulture, $"# {a.Territory} | {OneLine(a.Tsp)} | {OneLine(a.Service)}\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"# sha256 {group.Key}\n");
            sb.Append(PemEncoding.Write("CERTIFICATE", group.First().Certificate)).Append('\n');
        }

        return sb.ToString();
    }

    private static string OneLine(string text) => text.Replace('\n', ' ').Replace('\r', ' ').Replace("-----", "--", StringComparison.Ordinal);
}
