using System.Text.Json.Serialization;

namespace TppGate.Cli.TrustedLists;

/// <summary>What <c>tppgate anchors from-trusted-lists --json</c> writes.</summary>
public sealed record AnchorsReport(LotlReport Lotl, IReadOnlyList<ListReport> Lists, IReadOnlyList<AnchorReport> Anchors);

/// <summary>The verdict on the LOTL.</summary>
public sealed record LotlReport(string File, long? SequenceNumber, bool SignatureValid, bool Accepted, string? Reason, string Detail);

/// <summary>The verdict on one national list; <c>reason</c> is null when it was accepted.</summary>
public sealed record ListReport(string File, string? Territory, long? SequenceNumber, bool SignatureValid, bool Accepted, string? Reason, string Detail);

/// <summary>One anchor: the service certificate's SHA-256 and the service that names it.</summary>
public sealed record AnchorReport(string Sha256, string Territory, string Tsp, string Service);

/// <summary>Source-generated JSON for the report: camelCase, nulls written.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AnchorsReport))]
[JsonSerializable(typeof(ErrorReport))]
internal sealed partial class AnchorsJsonContext : JsonSerializerContext;
