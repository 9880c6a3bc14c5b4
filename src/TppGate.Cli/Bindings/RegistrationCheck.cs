using System.Security.Cryptography.X509Certificates;
using TppGate.Cli.Admin;
using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;

namespace TppGate.Cli.Bindings;

/// <summary>What <c>bindings register</c> will bind, read from the certificate file before anything is sent.</summary>
internal sealed record RegistrationPreview(
    string CertificateBase64,
    string Subject,
    string Issuer,
    string? OrganizationId,
    IReadOnlyList<string> Roles,
    string? NcaId,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string Sha256,
    string X5tS256,
    int? AnchorsChecked);

/// <summary>
/// Refuses locally what the server's registration would refuse, with the server's own Core rules: the PSD2 rule
/// (<see cref="Psd2Acceptance"/>, as the admin API applies it with <c>RequirePsd2</c> on, its default) and, when
/// anchors are given, the same <see cref="ChainValidator"/>; without anchors only the validity period is checked here
/// and the server judges the chain.
/// </summary>
internal static class RegistrationCheck
{
    public static RegistrationPreview? Check(string file, CertificateSourceFormat format, IReadOnlyList<string> anchorFiles, CliContext context, out CommandFailure? failure)
    {
        failure = null;
        if (!InspectCommand.TryReadInput(file, context.Stdin, out var bytes, out var readError))
        {
            failure = CommandFailure.BadInput("FILE_UNREADABLE", readError);
            return null;
        }

        var read = ForwardedCertificateReader.Read(bytes, format, new CertificateReaderOptions { MaxValueLength = InspectCommand.MaxInputBytes, MaxChainLength = InspectCommand.MaxChainCertificates });
        if (!read.Succeeded)
        {
            failure = CommandFailure.BadInput(InspectCommand.ToUpperSnake(read.Error.ToString()), $"{file}: {read.Message ?? read.Error.ToString()}");
            return null;
        }

        using var forwarded = read.Value;
        var certificate = forwarded.Certificate;
        var profile = EidasReader.Read(certificate);
        if (Psd2Acceptance.Refusal(profile, new AuthorizerOptions()) is { } refusal)
        {
            failure = CommandFailure.BadInput(BerlinGroupCodes.CertificateInvalid, $"the server would refuse this certificate: {refusal}");
            return null;
        }

        var anchorsChecked = anchorFiles.Count == 0
            ? CheckValidityPeriod(certificate, context.Time, out failure)
            : CheckChain(forwarded, anchorFiles, context.Time, out failure);
        if (failure is not null)
        {
            return null;
        }

        var thumbprints = CertificateThumbprints.Of(certificate);
        return new RegistrationPreview(
            Convert.ToBase64String(certificate.RawData),
            certificate.Subject,
            certificate.Issuer,
            profile.OrganizationIdentifier?.Value,
            profile.QcStatements?.Psd2?.Roles.Select(r => r.ToCanonicalName()).ToList() ?? [],
            profile.QcStatements?.Psd2?.NcaId,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime()),
            thumbprints.Sha256Hex,
            thumbprints.X5tS256,
            anchorsChecked);
    }

    private static int? CheckValidityPeriod(X509Certificate2 certificate, TimeProvider time, out CommandFailure? failure)
    {
        failure = null;
        var now = time.GetUtcNow();
        var skew = new ChainValidationOptions().ClockSkew;
        if (now - skew > certificate.NotAfter.ToUniversalTime() || now + skew < certificate.NotBefore.ToUniversalTime())
        {
            failure = CommandFailure.BadInput(BerlinGroupCodes.CertificateExpired, $"the server would refuse this certificate: it is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}");
        }

        return null;
    }

    private static int? CheckChain(ForwardedCertificate forwarded, IReadOnlyList<string> anchorFiles, TimeProvider time, out CommandFailure? failure)
    {
        failure = null;
        var anchors = new List<X509Certificate2>();
        try
        {
            foreach (var file in anchorFiles)
            {
                if (!InspectCommand.TryReadInput(file, Stream.Null, out var bytes, out var error))
                {
                    failure = CommandFailure.BadInput("INVALID_ANCHORS", $"--anchors {error}");
                    return null;
                }

                var list = CertificateFiles.ReadMany(bytes, InspectCommand.MaxChainCertificates);
                if (!list.Succeeded)
                {
                    failure = CommandFailure.BadInput("INVALID_ANCHORS", $"--anchors {file}: {list.Message}");
                    return null;
                }

                anchors.AddRange(list.Certificates);
            }

            var set = new TrustAnchorSet(anchors, time.GetUtcNow(), string.Join(", ", anchorFiles));
            var result = new ChainValidator(new StaticTrustAnchorProvider(set), new ChainValidationOptions { Revocation = RevocationCheck.NoCheck }, time).Validate(forwarded.Certificate, forwarded.Chain);
            if (!result.Trusted)
            {
                failure = CommandFailure.BadInput(
                    BerlinGroupCodes.For(result) ?? BerlinGroupCodes.CertificateInvalid,
                    $"the server would refuse this certificate: {string.Join(", ", result.Failures)} against the anchors given ({result.Detail})");
                return null;
            }

            return set.Anchors.Count;
        }
        finally
        {
            foreach (var c in anchors)
            {
                c.Dispose();
            }
        }
    }
}
