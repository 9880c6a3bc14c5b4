using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using TppGate.Core.Bindings;

namespace TppGate.Azure.Tables;

/// <summary>
/// The stored binding of one certificate: the source of truth the authorizer reads. Partition "cert_{sha256}",
/// row "binding". Kept apart from <see cref="CertificateBinding"/> so the storage shape can evolve on its own.
/// </summary>
internal sealed class CertificateEntity : ITableEntity
{
    internal const string Row = "binding";
    internal const string StatusActive = "active";
    internal const string StatusRevoked = "revoked";

    [JsonIgnore]
    public string PartitionKey { get; set; } = "";

    [JsonIgnore]
    public string RowKey { get; set; } = Row;

    [JsonIgnore]
    public DateTimeOffset? Timestamp { get; set; }

    [JsonIgnore]
    public ETag ETag { get; set; }

    public int SchemaVersion { get; set; } = 1;

    public string ClientId { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public string Thumbprint { get; set; } = "";

    public string SpkiSha256 { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Issuer { get; set; } = "";

    public string? OrganizationId { get; set; }

    /// <summary>The roles as a JSON array of strings.</summary>
    public string Roles { get; set; } = "[]";

    public string? NcaId { get; set; }

    public DateTimeOffset NotBefore { get; set; }

    public DateTimeOffset NotAfter { get; set; }

    public DateTimeOffset? ActiveFrom { get; set; }

    public DateTimeOffset? ActiveUntil { get; set; }

    public string Status { get; set; } = StatusActive;

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string? Note { get; set; }

    public string? RevokedBy { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevocationReason { get; set; }

    public string? IssuerSerialSha256 { get; set; }

    /// <summary>The registration call that inserted the entity: its own retry after a lost response is its success.</summary>
    public string? OperationId { get; set; }

    /// <summary>The revocation call that revoked it (likewise).</summary>
    public string? RevokeOperationId { get; set; }

    /// <summary>
    /// Writes the entity has seen (<see cref="CertificateBinding.Version"/>): 1 when inserted, one more on every
    /// replace. Absent on entities stored before decision 0014, which read as 0.
    /// </summary>
    public long Version { get; set; }

    /// <summary>The last update call that changed the entity: its own retry after a lost response is its success.</summary>
    public string? UpdateOperationId { get; set; }

    /// <summary>Who made the last update.</summary>
    public string? UpdatedBy { get; set; }

    /// <summary>When the last update was made (whole milliseconds: the audit row key is made from it).</summary>
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>The activation start before the last update, so its audit row can be written again if it was lost.</summary>
    public DateTimeOffset? PreviousActiveFrom { get; set; }

    /// <summary>The activation end before the last update (likewise).</summary>
    public DateTimeOffset? PreviousActiveUntil { get; set; }

    /// <summary>The note before the last update (likewise).</summary>
    public string? PreviousNote { get; set; }

    /// <summary>Copies the fields that only the store keeps (operation ids, the last update) from <paramref name="from"/>.</summary>
    internal CertificateEntity WithStoreFieldsOf(CertificateEntity from)
    {
        OperationId = from.OperationId;
        RevokeOperationId = from.RevokeOperationId;
        UpdateOperationId = from.UpdateOperationId;
        UpdatedBy = from.UpdatedBy;
        UpdatedAt = from.UpdatedAt;
        PreviousActiveFrom = from.PreviousActiveFrom;
        PreviousActiveUntil = from.PreviousActiveUntil;
        PreviousNote = from.PreviousNote;
        return this;
    }

    internal static string PartitionFor(string sha256) => "cert_" + sha256;

    internal static CertificateEntity FromBinding(CertificateBinding binding) => new()
    {
        PartitionKey = PartitionFor(binding.Sha256),
        ClientId = binding.ClientId,
        Sha256 = binding.Sha256,
        Thumbprint = binding.Thumbprint,
        SpkiSha256 = binding.SpkiSha256,
        Subject = binding.Subject,
        Issuer = binding.Issuer,
        OrganizationId = binding.OrganizationId,
        Roles = JsonSerializer.Serialize(binding.Roles, EntityJson.Default.IReadOnlyListString),
        NcaId = binding.NcaId,
        NotBefore = binding.NotBefore,
        NotAfter = binding.NotAfter,
        ActiveFrom = binding.ActiveFrom,
        ActiveUntil = binding.ActiveUntil,
        Status = binding.Status == BindingStatus.Revoked ? StatusRevoked : StatusActive,
        CreatedBy = binding.CreatedBy,
        CreatedAt = binding.CreatedAt,
        Note = binding.Note,
        RevokedBy = binding.RevokedBy,
        RevokedAt = binding.RevokedAt,
        RevocationReason = binding.RevocationReason,
        IssuerSerialSha256 = binding.IssuerSerialSha256,
        Version = binding.Version,
    };

    /// <summary>The domain record; an unknown status reads as revoked so that corrupt data fails closed.</summary>
    internal CertificateBinding ToBinding() => new()
    {
        ClientId = ClientId,
        Sha256 = Sha256,
        Thumbprint = Thumbprint,
        SpkiSha256 = SpkiSha256,
        Subject = Subject,
        Issuer = Issuer,
        OrganizationId = OrganizationId,
        Roles = JsonSerializer.Deserialize(Roles, EntityJson.Default.IReadOnlyListString) ?? [],
        NcaId = NcaId,
        NotBefore = NotBefore,
        NotAfter = NotAfter,
        ActiveFrom = ActiveFrom,
        ActiveUntil = ActiveUntil,
        Status = Status == StatusActive ? BindingStatus.Active : BindingStatus.Revoked,
        CreatedBy = CreatedBy,
        CreatedAt = CreatedAt,
        Note = Note,
        RevokedBy = RevokedBy,
        RevokedAt = RevokedAt,
        RevocationReason = RevocationReason,
        IssuerSerialSha256 = IssuerSerialSha256,
        Version = Version,
    };
}

/// <summary>
/// A certificate's permanent identity: partition "id_{sha256(issuer DER || serial)}", row "identity", naming
/// the SHA-256 of the one encoding ever registered with that issuer and serial. Insert-only, never deleted.
/// </summary>
internal sealed class IdentityEntity : TableEntityBase
{
    internal const string Row = "identity";

    public string Sha256 { get; set; } = "";

    public string ClientId { get; set; } = "";

    internal static string PartitionFor(string issuerSerialSha256) => "id_" + issuerSerialSha256;
}
