using Azure;
using Azure.Data.Tables;

namespace TppGate.Azure.Tables;

/// <summary>The keys and system properties every row of the bindings table has (the DTOs add their own columns).</summary>
internal abstract class TableEntityBase : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }
}
