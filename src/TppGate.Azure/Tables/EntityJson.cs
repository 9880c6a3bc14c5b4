using System.Text.Json.Serialization;

namespace TppGate.Azure.Tables;

/// <summary>Source-generated JSON for the values the entities keep as JSON text (roles, audit snapshots).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(CertificateEntity))]
internal sealed partial class EntityJson : JsonSerializerContext;
