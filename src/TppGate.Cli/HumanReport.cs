namespace TppGate.Cli;

/// <summary>Writes an <see cref="InspectReport"/> for people.</summary>
internal static class HumanReport
{
    public static void Write(InspectReport r, TextWriter w)
    {
        w.WriteLine($"Certificate (read as {r.Format}, {r.ChainCertificates} chain certificate(s))");
        Line(w, "Subject", r.Subject);
        Line(w, "Issuer", r.Issuer);
        Line(w, "Serial", r.SerialNumber);
        Line(w, "Valid", $"{r.NotBefore} to {r.NotAfter}");
        Line(w, "SHA-256", r.Thumbprints.Sha256);
        Line(w, "x5t#S256", r.Thumbprints.X5tS256);
        Line(w, "SPKI SHA-256", r.Thumbprints.SpkiSha256);
        Line(w, "EKU", r.ExtendedKeyUsage.Count == 0 ? "(none)" : string.Join(", ", r.ExtendedKeyUsage.Select(Eku)));
        Line(w, "DNS names", r.SubjectAlternativeNames.Count == 0 ? "(none)" : string.Join(", ", r.SubjectAlternativeNames));
        foreach (var subject in r.ChainSubjects)
        {
            Line(w, "Chain", subject);
        }

        w.WriteLine("eIDAS / PSD2");
        Line(w, "orgId", r.OrganizationIdentifier is { } o
            ? $"{o.Value} (scheme {o.Scheme ?? "?"}, country {o.Country ?? "?"}, authority {o.Authority ?? "?"}, number {o.AuthorizationNumber ?? "?"})"
            : "(none)");
        if (r.QcStatements is { } q)
        {
            Line(w, "QcCompliance", q.Compliance ? "yes" : "no");
            Line(w, "QcType", q.Types.Count == 0 ? "(none)" : string.Join(", ", q.Types));
            Line(w, "QcSSCD", q.Sscd ? "yes" : "no");
            Line(w, "Retention", q.RetentionPeriodYears is { } y ? $"{y} years" : "(none)");
            foreach (var pds in q.PdsLocations)
            {
                Line(w, "PDS", $"{pds.Url} ({pds.Language})");
            }

            Line(w, "PSD2 roles", q.Psd2 is { } p ? (p.Roles.Count == 0 ? "(none)" : string.Join(", ", p.Roles)) : "(no PSD2 statement)");
            if (q.Psd2 is { } psd2)
            {
                Line(w, "NCA", $"{psd2.NcaName} ({psd2.NcaId})");
            }
        }
        else
        {
            Line(w, "qcStatements", "(none)");
        }

        if (r.Findings.Count > 0)
        {
            w.WriteLine("Findings");
            foreach (var f in r.Findings)
            {
                w.WriteLine($"  {f.Code}: {f.Message}");
            }
        }

        if (r.Chain is { } c)
        {
            w.WriteLine($"Chain (validated at {c.ValidatedAt})");
            w.WriteLine(c.Trusted ? "  trusted" : $"  NOT trusted: {string.Join(", ", c.Reasons)} ({c.Code})");
        }
    }

    private static void Line(TextWriter w, string label, string value) => w.WriteLine($"  {label + ":",-14}{value}");

    private static string Eku(string oid) => oid switch
    {
        "1.3.6.1.5.5.7.3.1" => "serverAuth",
        "1.3.6.1.5.5.7.3.2" => "clientAuth",
        _ => oid,
    };
}
