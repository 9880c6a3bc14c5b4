namespace TppGate.Http.Authorize;

/// <summary>The body of an allow.</summary>
public sealed record AllowBody(string Decision, string ClientId, string? Thumbprint, string? OrganizationId, IReadOnlyList<string> Roles, string? NcaId);
