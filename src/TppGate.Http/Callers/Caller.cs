using Microsoft.AspNetCore.Http;

namespace TppGate.Http.Callers;

/// <summary>Who is calling, as the host authenticated it: an identity and its app roles.</summary>
/// <param name="Name">A display name for audit records.</param>
/// <param name="PrincipalId">The Entra object id, when known.</param>
/// <param name="Roles">App roles, e.g. TppGate.Admin.</param>
public sealed record Caller(string Name, string? PrincipalId, IReadOnlySet<string> Roles)
{
    /// <summary>The admin app role: may register and revoke.</summary>
    public const string AdminRole = "TppGate.Admin";

    /// <summary>The reader app role: may list and audit.</summary>
    public const string ReaderRole = "TppGate.Reader";

    /// <summary>True when the caller may read bindings.</summary>
    public bool CanRead => Roles.Contains(AdminRole) || Roles.Contains(ReaderRole);

    /// <summary>True when the caller may change bindings.</summary>
    public bool CanWrite => Roles.Contains(AdminRole);

    /// <summary>
    /// Who the audit trail records: the display name with the Entra object id, when it is known and not already the
    /// name. A display name is neither unique nor stable (it can be changed, and a UPN reassigned); the object id
    /// ties a record to one principal.
    /// </summary>
    public string AuditName => PrincipalId is null || PrincipalId == Name ? Name : $"{Name} ({PrincipalId})";
}

/// <summary>Finds the authenticated caller of a request; null when anonymous.</summary>
public interface ICallerResolver
{
    /// <summary>
    /// False when this resolver cannot authenticate anybody as deployed (App Service Authentication off or no
    /// admin audience): the admin API then answers 503 ADMIN_AUTH_NOT_CONFIGURED instead of 401.
    /// </summary>
    bool IsConfigured => true;

    /// <summary>The caller, or null.</summary>
    Caller? Resolve(HttpRequest request);
}
