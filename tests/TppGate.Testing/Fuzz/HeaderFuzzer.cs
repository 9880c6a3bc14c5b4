using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Core.Trust;
using TppGate.Pki;

namespace TppGate.Testing.Fuzz;

/// <summary>
/// Feeds mutated certificate header values, built from real catalogue certificates in every format, through
/// <see cref="ForwardedCertificateReader.Read(string?, CertificateSourceFormat, CertificateReaderOptions?)"/> and
/// through a directly built <see cref="Authorizer"/> (in-memory bindings, static anchors). Invariants checked on
/// every input: nothing throws, and an allow is only ever given for a value that decodes to the exact DER of a
/// registered certificate, for the client it is bound to. Every input is reproducible from (seed, index).
/// Shared by the CI test and the tools/TppGate.Fuzz console app.
/// </summary>
public sealed class HeaderFuzzer
{
    /// <summary>The client the registered certificates are bound to.</summary>
    public const string BoundClient = "fuzz-client";

    private static readonly string[] Delimiters =
    [
        ":", "::", ",", ";", "\"", "=", "==", "%", "%0A", "%2", "%%", "\\", "\\\"", " ", "\t", "\r\n", "\n", "\0", "-", "_", "+", "/",
        "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "-----BEGIN PKCS7-----", "-----BEGIN CERTIFICATE-----\n",
        "Cert=", "Cert=\"", "Hash=", "By=", "Chain=", "Subject=\"", ";a=1", "*", "?", "é", "\u00a0", "\ufeff", "\ud800",
    ];

    private static readonly string[] ClientIds = ["other-client", "FUZZ-CLIENT", "fuzz-client ", "fuzz-client\0", "fuzz", "fuzz-client\u200b"];

    private readonly List<Seed> _seeds = [];
    private readonly List<byte[]> _ders = [];
    private readonly HashSet<string> _registeredExact = new(StringComparer.Ordinal);
    private readonly List<byte[]> _registeredDers = [];
    private readonly Authorizer _authorizer;
    private readonly BindingCache _cache;
    private readonly TimeProvider _time = TimeProvider.System;

    /// <summary>Builds the seeds, the store (two registered certificates) and the authorizer.</summary>
    public HeaderFuzzer(CertificateCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var registered = new[] { CatalogueCertificate.QwacAi, CatalogueCertificate.QwacRsaRealistic };
        var others = new[]
        {
            CatalogueCertificate.QwacPi, CatalogueCertificate.Expired, CatalogueCertificate.QSealC, CatalogueCertificate.FromUntrustedRoot,
            CatalogueCertificate.IssuedByAttackerIntermediate, CatalogueCertificate.WeakRsa1024Sha1, CatalogueCertificate.NoQcStatements,
            CatalogueCertificate.EmptyRoles, CatalogueCertificate.UnknownCriticalExtension, CatalogueCertificate.ServerAuthOnly,
        };

        var store = new InMemoryBindingStore();
        foreach (var name in registered)
        {
            var certificate = catalogue[name];
            AddSeeds(certificate.RawData, registered: true);
            _registeredDers.Add(certificate.RawData);
            store.RegisterAsync(CertificateBinding.For(certificate, BoundClient, "fuzz", DateTimeOffset.UtcNow)).GetAwaiter().GetResult();
        }

        foreach (var name in others)
        {
            AddSeeds(catalogue[name].RawData, registered: false);
        }

        // Containers: a PKCS#12 and a PKCS#7 holding a registered certificate must never be reduced to it.
        _seeds.Add(new Seed(Convert.ToBase64String(PkiExport.Pkcs12(catalogue[CatalogueCertificate.QwacAi])), CertificateSourceFormat.Base64, false));
        _seeds.Add(new Seed(Convert.ToBase64String(new X509Certificate2Collection(catalogue[CatalogueCertificate.QwacAi]).Export(X509ContentType.Pkcs7)!), CertificateSourceFormat.Base64, false));

        var anchors = new StaticTrustAnchorProvider([catalogue.Root.Certificate, catalogue.IssuingCa.Certificate, catalogue.RsaIssuingCa.Certificate], "fuzz");
        var options = new AuthorizerOptions { ApiRoles = { ["accounts"] = ["PSP_AI"] } };
        // Catalogue certificates name no revocation source; the fuzzer targets the readers and the policy.
        var chainOptions = new ChainValidationOptions { Revocation = RevocationCheck.NoCheck };
        var verifier = new CertificateVerifier(new ChainValidator(anchors, chainOptions, _time), anchors, options, new CertificateReaderOptions(), _time);
        _cache = new BindingCache(options, _time);
        _authorizer = new Authorizer(verifier, _cache, store, options, _time);
    }

    /// <summary>Runs <paramref name="inputs"/> inputs from <paramref name="seed"/>; <paramref name="progress"/> is called every 50,000.</summary>
    public async Task<FuzzReport> RunAsync(int seed, int inputs, Action<FuzzReport>? progress = null, CancellationToken cancellationToken = default)
    {
        var report = new FuzzReport { Seed = seed };
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < inputs; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // The binding cache is used only while the feed is fresh: mark it now and then so both paths run.
            if (i % 1000 == 0)
            {
                _cache.MarkFeedRead(_time.GetUtcNow());
            }

            var input = Generate(seed, i);
            await ExecuteAsync(seed, i, input, report);
            report.Inputs++;
            if (progress is not null && (i + 1) % 50_000 == 0)
            {
                report.Elapsed = clock.Elapsed;
                progress(report);
            }
        }

        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>Asks the harness's authorizer directly (the registered certificates are bound to <see cref="BoundClient"/>).</summary>
    public ValueTask<AuthorizationDecision> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken = default)
        => _authorizer.AuthorizeAsync(request, cancellationToken);

    /// <summary>The input number <paramref name="index"/> of the run <paramref name="seed"/>: the same every time.</summary>
    public FuzzInput Generate(int seed, int index)
    {
        var rng = new Random(unchecked((seed * 1_000_003) ^ (index * 7_919) ^ index));
        var roll = rng.Next(100);
        FuzzInput input = roll switch
        {
            < 25 => DerMutation(rng),
            < 65 => TextMutation(rng),
            < 70 => Splice(rng),
            < 83 => RandomStructure(rng),
            < 88 => Unmodified(rng),
            < 93 => AlphabetAndCase(rng),
            < 99 => Duplicated(rng),
            _ => Oversized(rng),
        };

        var formatRoll = rng.Next(100);
        var format = formatRoll < 70 ? input.Format
            : formatRoll < 85 ? CertificateSourceFormat.Auto
            : (CertificateSourceFormat)rng.Next(0, 7);
        var clientId = rng.Next(100) < 85 ? BoundClient : ClientIds[rng.Next(ClientIds.Length)];
        string? chain = null;
        if (rng.Next(100) < 4)
        {
            var s = Pick(rng);
            chain = ":" + Convert.ToBase64String(_ders[rng.Next(_ders.Count)]) + ":, " + (rng.Next(2) == 0 ? Mutate(rng, s.Value) : ":" + s.Value + ":");
        }

        return input with { Format = format, ClientId = clientId, ChainValue = chain };
    }

    private async Task ExecuteAsync(int seed, int index, FuzzInput input, FuzzReport report)
    {
        report.Count(report.Mutations, input.Mutation);
        byte[]? readDer = null;
        try
        {
            var read = ForwardedCertificateReader.Read(input.Value, input.Format);
            report.Count(report.ReaderOutcomes, read.Error.ToString());
            if (read.Succeeded != (read.Value is not null))
            {
                report.Add(Violation(seed, index, input, "reader returned a value together with an error, or success without a value"));
            }

            using var value = read.Value;
            readDer = value?.Certificate.RawData;
        }
        catch (Exception ex)
        {
            report.Count(report.ReaderOutcomes, "EXCEPTION");
            report.Add(Violation(seed, index, input, "reader threw " + Describe(ex)));
        }

        AuthorizationDecision decision;
        try
        {
            decision = await _authorizer.AuthorizeAsync(new AuthorizationRequest(input.Value, input.Format, input.ChainValue, input.ClientId, input.Api ?? BerlinGroupApiRoles.Token, null));
        }
        catch (Exception ex)
        {
            report.Count(report.DecisionOutcomes, "EXCEPTION");
            report.Add(Violation(seed, index, input, "authorizer threw " + Describe(ex)));
            return;
        }

        if (!decision.IsAllowed)
        {
            report.Count(report.DecisionOutcomes, (decision.Code ?? DenyCode.CertificateInvalid).ToCode());
            return;
        }

        var exact = _registeredExact.Contains(input.Value);
        report.Count(report.DecisionOutcomes, exact ? "ALLOW_EXACT" : "ALLOW_EQUIVALENT");
        if (!exact && report.EquivalentSamples.Count < 10)
        {
            report.EquivalentSamples.Add($"{input.Mutation} as {input.Format}: {Violation(seed, index, input, "").ValuePrefix}");
        }

        if (readDer is null || !_registeredDers.Any(d => d.AsSpan().SequenceEqual(readDer)))
        {
            report.Add(Violation(seed, index, input, "allowed a value that does not decode to a registered certificate's DER"));
        }
        else if (!string.Equals(decision.ClientId, BoundClient, StringComparison.Ordinal) || !string.Equals(input.ClientId, BoundClient, StringComparison.Ordinal))
        {
            report.Add(Violation(seed, index, input, $"allowed for client '{decision.ClientId}' asked as '{input.ClientId}'"));
        }
        else if (!string.Equals(decision.Thumbprint, System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(readDer)), StringComparison.Ordinal))
        {
            report.Add(Violation(seed, index, input, "allowed with a thumbprint that is not the decoded certificate's"));
        }
    }

    private static FuzzViolation Violation(int seed, int index, FuzzInput input, string problem)
    {
        var prefix = input.Value.Length > 160 ? input.Value[..160] + "..." : input.Value;
        return new FuzzViolation(seed, index, input.Mutation, problem + $" (format {input.Format}, client '{input.ClientId}')", Escape(prefix));
    }

    private static string Describe(Exception ex)
    {
        var frames = (ex.StackTrace ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(4);
        return ex.GetType().Name + ": " + ex.Message + " at " + string.Join(" < ", frames);
    }

    private static string Escape(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            b.Append(c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return b.ToString();
    }

    private void AddSeeds(byte[] der, bool registered)
    {
        _ders.Add(der);
        foreach (var (value, format) in Encodings(der, new Random(der.Length)))
        {
            _seeds.Add(new Seed(value, format, registered));
            if (registered)
            {
                _registeredExact.Add(value);
            }
        }
    }

    private static IEnumerable<(string Value, CertificateSourceFormat Format)> Encodings(byte[] der, Random rng)
    {
        var b64 = Convert.ToBase64String(der);
        var pem = Pem(b64);
        yield return (b64, CertificateSourceFormat.Base64);
        yield return (pem, CertificateSourceFormat.Pem);
        yield return (Uri.EscapeDataString(pem), CertificateSourceFormat.UrlPem);
        yield return (":" + b64 + ":", CertificateSourceFormat.Rfc9440);
        yield return (Xfcc(der, pem, rng), CertificateSourceFormat.Xfcc);
    }

    private static string Pem(string b64)
    {
        var s = new StringBuilder("-----BEGIN CERTIFICATE-----\n");
        for (var i = 0; i < b64.Length; i += 64)
        {
            s.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
        }

        return s.Append("-----END CERTIFICATE-----\n").ToString();
    }

    private static string Xfcc(byte[] der, string pem, Random rng)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(der));
        var element = $"Hash={hash};Cert=\"{Uri.EscapeDataString(pem)}\";Subject=\"CN=tpp,O=Example\";URI=spiffe://tpp.example";
        return rng.Next(3) == 0 ? "By=spiffe://edge;" + element : element;
    }

    private Seed Pick(Random rng) => _seeds[rng.Next(_seeds.Count)];

    private FuzzInput Unmodified(Random rng)
    {
        var s = Pick(rng);
        return new FuzzInput(s.Value, s.Format, "unmodified", rng.Next(4) == 0 ? "accounts" : null);
    }

    private FuzzInput DerMutation(Random rng)
    {
        var der = _ders[rng.Next(_ders.Count)];
        var (bytes, name) = MutateDer(rng, der);
        var encodings = Encodings(bytes, rng).ToArray();
        var (value, format) = encodings[rng.Next(encodings.Length)];
        return new FuzzInput(value, format, "der:" + name, null);
    }

    private (byte[] Bytes, string Name) MutateDer(Random rng, byte[] der)
    {
        var b = der.ToList();
        switch (rng.Next(11))
        {
            case 0:
                {
                    var i = rng.Next(b.Count);
                    b[i] ^= (byte)(1 << rng.Next(8));
                    return (b.ToArray(), "bit-flip");
                }

            case 1:
                b[rng.Next(b.Count)] = (byte)rng.Next(256);
                return (b.ToArray(), "byte-set");
            case 2:
                return (der[..rng.Next(1, der.Length)], "truncate");
            case 3:
                {
                    var extra = new byte[rng.Next(1, 8)];
                    rng.NextBytes(extra);
                    if (rng.Next(2) == 0)
                    {
                        Array.Clear(extra);
                    }

                    return ([.. der, .. extra], "trailing-bytes");
                }

            case 4:
                // BER indefinite length on the outer SEQUENCE: 30 80 ... 00 00.
                return der[1] == 0x82 ? ([0x30, 0x80, .. der[4..], 0x00, 0x00], "ber-indefinite") : (der, "ber-indefinite-skipped");
            case 5:
                // Non-minimal length: 30 82 LL LL becomes 30 83 00 LL LL.
                return der[1] == 0x82 ? ([0x30, 0x83, 0x00, .. der[2..]], "non-minimal-length") : (der, "non-minimal-skipped");
            case 6:
                {
                    var i = rng.Next(2, Math.Min(60, der.Length));
                    b[i] = (byte)(b[i] + (rng.Next(2) == 0 ? 1 : -1));
                    return (b.ToArray(), "length-off-by-one");
                }

            case 7:
                b.Insert(rng.Next(b.Count), (byte)rng.Next(256));
                return (b.ToArray(), "byte-insert");
            case 8:
                return ([.. der, .. _ders[rng.Next(_ders.Count)]], "two-certificates");
            case 9:
                {
                    // Same offset from another certificate: swaps fields between real encodings.
                    var other = _ders[rng.Next(_ders.Count)];
                    var at = rng.Next(Math.Min(der.Length, other.Length));
                    var n = rng.Next(1, 64);
                    for (var i = at; i < Math.Min(at + n, Math.Min(b.Count, other.Length)); i++)
                    {
                        b[i] = other[i];
                    }

                    return (b.ToArray(), "cross-splice");
                }

            default:
                {
                    // Flip a bit in the signature, the last bytes: structure intact, signature broken.
                    var i = der.Length - 1 - rng.Next(Math.Min(40, der.Length - 1));
                    b[i] ^= (byte)(1 << rng.Next(8));
                    return (b.ToArray(), "signature-bit-flip");
                }
        }
    }

    private FuzzInput TextMutation(Random rng)
    {
        var s = Pick(rng);
        var value = s.Value;
        var rounds = rng.Next(1, 4);
        for (var r = 0; r < rounds; r++)
        {
            value = Mutate(rng, value);
        }

        return new FuzzInput(value, s.Format, "text", null);
    }

    private static string Mutate(Random rng, string value)
    {
        if (value.Length == 0)
        {
            return Delimiters[rng.Next(Delimiters.Length)];
        }

        var b = new StringBuilder(value);
        var i = rng.Next(value.Length);
        switch (rng.Next(7))
        {
            case 0:
                b[i] = (char)(b[i] ^ (1 << rng.Next(rng.Next(4) == 0 ? 16 : 7)));
                break;
            case 1:
                return rng.Next(2) == 0 ? value[..i] : value[i..];
            case 2:
                b.Insert(i, Delimiters[rng.Next(Delimiters.Length)]);
                break;
            case 3:
                b.Remove(i, Math.Min(rng.Next(1, 16), value.Length - i));
                break;
            case 4:
                b.Insert(i, (char)rng.Next(0, 128));
                break;
            case 5:
                b[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="[rng.Next(65)];
                break;
            default:
                {
                    // Replace a delimiter already present with another one.
                    var at = value.IndexOfAny([':', ';', ',', '"', '=', '%', '-', '\n']);
                    if (at >= 0)
                    {
                        b.Remove(at, 1).Insert(at, Delimiters[rng.Next(Delimiters.Length)]);
                    }

                    break;
                }
        }

        return b.ToString();
    }

    private FuzzInput Splice(Random rng)
    {
        var a = Pick(rng);
        var c = Pick(rng);
        var cut = rng.Next(a.Value.Length);
        var from = Math.Min(cut, c.Value.Length - 1);
        return new FuzzInput(a.Value[..cut] + c.Value[Math.Max(0, from)..], a.Format, "splice", null);
    }

    private FuzzInput Duplicated(Random rng)
    {
        var a = Pick(rng);
        var b = rng.Next(2) == 0 ? a : Pick(rng);
        var joiner = new[] { ",", ", ", ";", "", "\n", " " }[rng.Next(6)];
        return new FuzzInput(a.Value + joiner + b.Value, a.Format, "duplicated", null);
    }

    private FuzzInput AlphabetAndCase(Random rng)
    {
        var s = Pick(rng);
        var value = rng.Next(4) switch
        {
            0 => s.Value.Replace('+', '-').Replace('/', '_'),
            1 => s.Value.TrimEnd(':').TrimEnd('\n').TrimEnd('=') + (s.Value.EndsWith(':') ? ":" : ""),
            2 => s.Value.Replace("CERTIFICATE", "certificate", StringComparison.Ordinal),
            _ => s.Value + "=",
        };
        return new FuzzInput(value, s.Format, "alphabet-case", null);
    }

    private static FuzzInput Oversized(Random rng)
    {
        var length = rng.Next(2) == 0 ? 16 * 1024 + 1 : rng.Next(16 * 1024 + 1, 80 * 1024);
        var value = new string('A', length);
        return new FuzzInput(value, CertificateSourceFormat.Base64, "oversized", null);
    }

    private static FuzzInput RandomStructure(Random rng)
    {
        var bytes = new byte[rng.Next(0, 1600)];
        rng.NextBytes(bytes);
        if (bytes.Length > 4 && rng.Next(2) == 0)
        {
            // Looks like a DER certificate at first glance.
            bytes[0] = 0x30;
            bytes[1] = 0x82;
            bytes[2] = (byte)((bytes.Length - 4) >> 8);
            bytes[3] = (byte)(bytes.Length - 4);
        }

        var b64 = Convert.ToBase64String(bytes);
        return rng.Next(6) switch
        {
            0 => new FuzzInput(Encoding.Latin1.GetString(bytes), CertificateSourceFormat.Auto, "random:bytes", null),
            1 => new FuzzInput(b64, CertificateSourceFormat.Base64, "random:base64", null),
            2 => new FuzzInput(Pem(b64), CertificateSourceFormat.Pem, "random:pem", null),
            3 => new FuzzInput(Uri.EscapeDataString(Pem(b64)), CertificateSourceFormat.UrlPem, "random:urlpem", null),
            4 => new FuzzInput($"Hash={Convert.ToHexStringLower(SHA256.HashData(bytes))};Cert=\"{Uri.EscapeDataString(Pem(b64))}\"" + (rng.Next(2) == 0 ? ",By=x;Cert=\"\"" : ""), CertificateSourceFormat.Xfcc, "random:xfcc", null),
            _ => new FuzzInput(":" + b64 + ":" + (rng.Next(2) == 0 ? ";a=1" : ""), CertificateSourceFormat.Rfc9440, "random:rfc9440", null),
        };
    }

    private sealed record Seed(string Value, CertificateSourceFormat Format, bool Registered);
}

/// <summary>One generated input.</summary>
/// <param name="Value">The header value.</param>
/// <param name="Format">The format the reader is told.</param>
/// <param name="Mutation">The generator that made it, for the outcome table.</param>
/// <param name="Api">The API asked for, or null.</param>
public sealed record FuzzInput(string Value, CertificateSourceFormat Format, string Mutation, string? Api)
{
    /// <summary>The client_id sent with it.</summary>
    public string ClientId { get; init; } = HeaderFuzzer.BoundClient;

    /// <summary>An RFC 9440 chain value sent with it, or null.</summary>
    public string? ChainValue { get; init; }
}
