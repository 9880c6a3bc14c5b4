using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.CommandLine;
using System.Text.Json;
using TppGate.Cli.CommandLine;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;

namespace TppGate.Cli;

/// <summary>
/// <c>tppgate inspect</c>: reads a certificate or forwarded header value and shows what the gateway sees in it:
/// names, validity, thumbprints, eIDAS/PSD2 content, findings and, with anchors, the chain verdict.
/// </summary>
public static class InspectCommand
{
    // Files and stdin are read whole; a header value is small, a PEM bundle of anchors is not huge either.
    internal const int MaxInputBytes = 1024 * 1024;
    internal const int MaxChainCertificates = 16;

    /// <summary>The <c>inspect</c> command: parses its own options and runs <see cref="Run"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = new Argument<string>("file|-") { Description = "a certificate or a forwarded header value (X-ARR-ClientCert, Client-Cert, XFCC, ...); - reads stdin" };
        var format = CommandLineValues.FormatOption("how the value is written (default auto: detected from its shape)");
        var chain = new Option<string[]>("--chain")
        {
            Description = "forwarded chain certificates: an RFC 9440 Client-Cert-Chain value, PEM, or (concatenated) base64/DER",
            HelpName = "file",
        };
        var anchors = new Option<string[]>("--anchors")
        {
            Description = "trust anchors (PEM with one or more certificates, or DER); validates the chain against them only",
            HelpName = "file",
        };
        var at = new Option<DateTimeOffset?>("--at")
        {
            Description = "validation time for --anchors, ISO 8601 (default now)",
            HelpName = "time",
            CustomParser = CommandLineValues.ParseTime,
        };
        var json = CommandLineValues.JsonOption();
        var command = new Command("inspect", "Show what the gateway sees in a certificate or forwarded header value.") { input, format, chain, anchors, at, json };
        // Validators look at which options were given, not their values: a value that failed to parse throws when read.
        command.Validators.Add(result =>
        {
            if (result.GetResult(at) is not null && result.GetResult(anchors) is null)
            {
                result.AddError("--at sets the validation time for --anchors: give --anchors too");
            }
        });
        command.SetAction(parse => Run(
            new InspectArguments(
                parse.GetRequiredValue(input),
                InspectArguments.ParseFormat(parse.GetValue(format)),
                parse.GetValue(chain) ?? [],
                parse.GetValue(anchors) ?? [],
                parse.GetValue(at),
                parse.GetValue(json)),
            context));
        return command;
    }

    /// <summary>Runs <c>inspect</c> and returns the exit code.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static int Run(InspectArguments parsed, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(context);
        var (stdin, stdout, stderr, timeProvider) = (context.Stdin, context.Stdout, context.Stderr, context.Time);
        var output = new Output(parsed.Json, stdout, stderr);
        if (!TryReadInput(parsed.Input, stdin, out var bytes, out var inputError))
        {
            return output.Error("FILE_UNREADABLE", inputError);
        }

        var options = new CertificateReaderOptions { MaxValueLength = MaxInputBytes, MaxChainLength = MaxChainCertificates };
        var read = ForwardedCertificateReader.Read(bytes, parsed.Format, options);
        if (!read.Succeeded)
        {
            return output.Error(ToUpperSnake(read.Error.ToString()), read.Message ?? read.Error.ToString());
        }

        using var forwarded = read.Value;
        var extraChain = new List<X509Certificate2>();
        var anchorCertificates = new List<X509Certificate2>();
        var namedAnchors = new List<X509Certificate2>();
        try
        {
            foreach (var file in parsed.ChainFiles)
            {
                var chain = ReadCertificateFile(file, out var error);
                if (!chain.Succeeded)
                {
                    return output.Error(chain.ErrorCode ?? error ?? "FILE_UNREADABLE", $"--chain {file}: {chain.Message ?? error}");
                }

                extraChain.AddRange(chain.Certificates);
            }

            foreach (var file in parsed.AnchorFiles)
            {
                var anchors = ReadCertificateFile(file, out var error);
                if (!anchors.Succeeded)
                {
                    return output.Error("INVALID_ANCHORS", $"--anchors {file}: {anchors.Message ?? error}");
                }

                anchorCertificates.AddRange(anchors.Certificates);
                if (NamesAnchors(file))
                {
                    namedAnchors.AddRange(anchors.Certificates);
                }
            }

            var report = BuildReport(forwarded, extraChain, anchorCertificates, namedAnchors, parsed, timeProvider);
            output.Report(report);
            return ExitCodes.Success;
        }
        finally
        {
            foreach (var c in extraChain.Concat(anchorCertificates))
            {
                c.Dispose();
            }
        }
    }

    /// <summary>InvalidBase64 becomes INVALID_BASE64.</summary>
    public static string ToUpperSnake(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                sb.Append('_');
            }

            sb.Append(char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }

    // A bundle written by `anchors from-trusted-lists --out` names every certificate in it an anchor (decision 0003).
    private static bool NamesAnchors(string path)
        => TryReadInput(path, Stream.Null, out var bytes, out _) && TrustAnchorPem.NamesEveryCertificateAnAnchor(Encoding.UTF8.GetString(bytes));

    private static CertificateListResult ReadCertificateFile(string path, out string? error)
    {
        if (!TryReadInput(path, Stream.Null, out var bytes, out error))
        {
            return CertificateListResult.Fail("FILE_UNREADABLE", error);
        }

        return CertificateFiles.ReadMany(bytes, MaxChainCertificates);
    }

    internal static bool TryReadInput(string path, Stream stdin, out byte[] bytes, out string error)
    {
        bytes = [];
        error = string.Empty;
        try
        {
            using var stream = path == "-" ? null : File.OpenRead(path);
            var source = stream ?? stdin;
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = source.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > MaxInputBytes)
                {
                    error = $"{path}: larger than {MaxInputBytes} bytes";
                    return false;
                }
            }

            bytes = buffer.ToArray();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"{path}: {ex.Message}";
            return false;
        }
    }

    private static InspectReport BuildReport(
        ForwardedCertificate forwarded,
        IReadOnlyList<X509Certificate2> extraChain,
        IReadOnlyList<X509Certificate2> anchorCertificates,
        IReadOnlyList<X509Certificate2> namedAnchors,
        InspectArguments args,
        TimeProvider timeProvider)
    {
        var certificate = forwarded.Certificate;
        var thumbprints = CertificateThumbprints.Of(certificate);
        var eidas = EidasReader.Read(certificate);
        var chainCertificates = forwarded.Chain.Concat(extraChain).ToList();

        ChainReport? chain = null;
        if (args.AnchorFiles.Count > 0)
        {
            var clock = args.At is { } at ? new FixedTimeProvider(at) : timeProvider;
            var provider = new StaticTrustAnchorProvider(new TrustAnchorSet(anchorCertificates.Except(namedAnchors), namedAnchors, clock.GetUtcNow(), string.Join(", ", args.AnchorFiles)));
            // inspect works offline on files: it reports the chain, not the issuer's current CRL.
            var result = new ChainValidator(provider, new ChainValidationOptions { Revocation = RevocationCheck.NoCheck }, clock).Validate(certificate, chainCertificates);
            chain = new ChainReport(
                result.Trusted,
                result.Failures.Select(f => f.ToString()).ToList(),
                BerlinGroupCodes.For(result),
                Iso(clock.GetUtcNow()));
        }

        return new InspectReport(
            certificate.Subject,
            certificate.Issuer,
            certificate.SerialNumber,
            Iso(certificate.NotBefore),
            Iso(certificate.NotAfter),
            new ThumbprintsReport(thumbprints.Sha256Hex, thumbprints.X5tS256, thumbprints.SpkiSha256Hex),
            ExtendedKeyUsages(certificate),
            eidas.OrganizationIdentifier is { } o ? new OrganizationIdentifierReport(o.Value, o.Scheme, o.Country, o.Authority, o.AuthorizationNumber) : null,
            eidas.QcStatements is { } q
                ? new QcStatementsReport(
                    q.Compliance,
                    q.Types,
                    q.Sscd,
                    q.RetentionPeriodYears,
                    q.PdsLocations.Select(p => new PdsLocationReport(p.Url, p.Language)).ToList(),
                    q.Psd2 is { } p2 ? new Psd2Report(p2.Roles.Select(r => r.ToCanonicalName()).ToList(), p2.NcaName, p2.NcaId) : null)
                : null,
            eidas.Findings.Select(f => new FindingReport(f.Code, f.Message)).ToList(),
            InspectArguments.FormatName(forwarded.Format),
            chainCertificates.Count,
            chainCertificates.Select(c => c.Subject).ToList(),
            DnsNames(certificate),
            chain);
    }

    private static List<string> ExtendedKeyUsages(X509Certificate2 certificate)
    {
        var list = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension eku)
            {
                foreach (var oid in eku.EnhancedKeyUsages)
                {
                    if (oid.Value is { } value)
                    {
                        list.Add(value);
                    }
                }
            }
        }

        return list;
    }

    private static List<string> DnsNames(X509Certificate2 certificate)
    {
        var list = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                try
                {
                    list.AddRange(san.EnumerateDnsNames());
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    // A malformed SAN shows as no names; the eIDAS findings and chain verdict carry the rest.
                }
            }
        }

        return list;
    }

    private static string Iso(DateTime time) => Iso(new DateTimeOffset(time.ToUniversalTime()));

    private static string Iso(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed class Output(bool json, TextWriter stdout, TextWriter stderr)
    {
        public int Error(string code, string message)
        {
            if (json)
            {
                stdout.WriteLine(JsonSerializer.Serialize(new ErrorReport(new ErrorBody(code, message)), InspectJsonContext.Default.ErrorReport));
            }
            else
            {
                stderr.WriteLine($"tppgate inspect: {code}: {message}");
            }

            return ExitCodes.Unreadable;
        }

        public void Report(InspectReport report)
        {
            if (json)
            {
                stdout.WriteLine(JsonSerializer.Serialize(report, InspectJsonContext.Default.InspectReport));
            }
            else
            {
                HumanReport.Write(report, stdout);
            }
        }
    }
}
