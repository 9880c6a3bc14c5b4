using System.Text.Json;
using System.Text.Json.Serialization;
using TppGate.Http.Admin;
using TppGate.Http.Authorize;

namespace TppGate.Http.Results;

/// <summary>
/// Source-generated JSON for every body TppGate reads or writes: camelCase, strict on input. A property
/// sent twice, in another case ("ClientId"), or unknown is refused: two readers of one body must never
/// disagree on what it says.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNameCaseInsensitive = false,
    AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(ConflictProblemBody))]
[JsonSerializable(typeof(AllowBody))]
[JsonSerializable(typeof(RegisterBindingRequest))]
[JsonSerializable(typeof(RevokeBindingRequest))]
[JsonSerializable(typeof(UpdateBindingRequest))]
[JsonSerializable(typeof(BindingView))]
[JsonSerializable(typeof(BindingListView))]
[JsonSerializable(typeof(AuditListView))]
[JsonSerializable(typeof(HealthView))]
[JsonSerializable(typeof(HealthStatusView))]
public sealed partial class HttpJsonContext : JsonSerializerContext;
