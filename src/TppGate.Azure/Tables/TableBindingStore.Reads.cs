using Azure.Data.Tables;
using TppGate.Core.Bindings;

namespace TppGate.Azure.Tables;

/// <summary>The admin reads: a client's bindings and audit trail, expiring bindings, and the paged query they share.</summary>
public sealed partial class TableBindingStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<CertificateBinding>> GetByClientAsync(string clientId, CancellationToken cancellationToken = default)
    {
        if (!BindingKeys.IsValidClientId(clientId))
        {
            return [];
        }

        await EnsureInitializedAsync(cancellationToken);
        var partition = ClientIndexEntity.PartitionFor(clientId);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {ClientIndexEntity.RowPrefix} and RowKey lt {ClientIndexEntity.RowPrefixEnd}");
        var index = await QueryAsync<ClientIndexEntity>(filter, int.MaxValue, cancellationToken);

        var reads = index.Select(row => ReadCertificateAsync(_admin, row.Sha256, cancellationToken));
        var bindings = await Task.WhenAll(reads);

        // The index only names certificates; the certificate entity decides (a hashed key cannot collide in
        // practice, but a listing must never show another client's binding even then).
        return [.. bindings
            .OfType<CertificateBinding>()
            .Where(b => string.Equals(b.ClientId, clientId, StringComparison.Ordinal))
            .OrderBy(b => b.CreatedAt)
            .ThenBy(b => b.Sha256, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditRecord>> GetAuditAsync(string clientId, CancellationToken cancellationToken = default)
    {
        if (!BindingKeys.IsValidClientId(clientId))
        {
            return [];
        }

        await EnsureInitializedAsync(cancellationToken);
        var partition = ClientIndexEntity.PartitionFor(clientId);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {AuditEntity.RowPrefix} and RowKey lt {AuditEntity.RowPrefixEnd}");
        var rows = await QueryAsync<AuditEntity>(filter, int.MaxValue, cancellationToken);
        return [.. rows
            .Where(r => string.Equals(r.ClientId, clientId, StringComparison.Ordinal))
            .OrderBy(r => r.RowKey, StringComparer.Ordinal)
            .Select(ToAuditRecord)];
    }

    /// <inheritdoc />
    /// <remarks>
    /// Scans the certificate partitions with a server-side filter, page by page, and stops at
    /// <see cref="TableBindingStoreOptions.MaxExpiringResults"/> (logged). Meant for admin reports, not the hot path.
    /// </remarks>
    public async Task<IReadOnlyList<CertificateBinding>> GetExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken);
        const string FirstCertificatePartition = "cert_";
        const string AfterCertificatePartitions = "cert`";
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {FirstCertificatePartition} and PartitionKey lt {AfterCertificatePartitions} and RowKey eq {CertificateEntity.Row} and Status eq {CertificateEntity.StatusActive} and NotAfter lt {before.ToUniversalTime()}");
        var rows = await QueryAsync<CertificateEntity>(filter, _options.MaxExpiringResults, cancellationToken);
        if (rows.Count >= _options.MaxExpiringResults)
        {
            LogExpiringTruncated(_logger, _options.MaxExpiringResults);
        }

        return [.. rows.Select(r => r.ToBinding()).OrderBy(b => b.NotAfter).ThenBy(b => b.Sha256, StringComparer.Ordinal)];
    }

    private async Task<List<T>> QueryAsync<T>(string filter, int limit, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var rows = new List<T>();
        try
        {
            await foreach (var page in _admin.QueryAsync<T>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).AsPages())
            {
                foreach (var row in page.Values)
                {
                    rows.Add(row);
                    if (rows.Count >= limit)
                    {
                        return rows;
                    }
                }
            }
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            throw Unavailable("query", ex);
        }

        return rows;
    }
}
