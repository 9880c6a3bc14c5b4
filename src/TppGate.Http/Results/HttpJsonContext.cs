using System.Text.Json;
using System.Text.Json.Serialization;
using TppGate.Http.Admin;
using TppGate.Http.Authorize;

namespace TppGate.Http.Results;

/// <summary>Source-generated JSON for every body TppGate reads or writes: camelCase, strict on input.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(ConflictProblemBody))]
[JsonSerializable(typeof(AllowBody))]
[JsonSerializable(typeof(RegisterBindingRequest))]
[JsonSerializable(typeof(RevokeBindingRequest))]
[JsonSerializable(typeof(BindingView))]
[JsonSerializable(typeof(BindingListView))]
[JsonSerializable(typeof(AuditListView))]
[JsonSerializable(typeof(HealthView))]
public sealed partial class HttpJsonContext : JsonSerializerContext;
