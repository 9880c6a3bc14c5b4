namespace TppGate.Azure.Tables;

/// <summary>
/// Names one certificate of a client: partition "client_{key}", row "cert_{sha256}". It holds nothing mutable,
/// so it never goes stale: listings read each certificate entity for the binding itself.
/// </summary>
internal sealed class ClientIndexEntity : TableEntityBase
{
    internal const string RowPrefix = "cert_";

    // '`' is the character after '_', so [RowPrefix, RowPrefixEnd) is exactly the rows starting with RowPrefix.
    internal const string RowPrefixEnd = "cert`";

    public string ClientId { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    internal static string PartitionFor(string clientId) => "client_" + BindingKeys.ClientKey(clientId);
}
