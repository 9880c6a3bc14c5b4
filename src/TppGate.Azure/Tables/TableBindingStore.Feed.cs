using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using TppGate.Core.Bindings;

namespace TppGate.Azure.Tables;

/// <summary>
/// The change feed: one partition, entries numbered 1, 2, 3, ... by a head row that every append replaces under
/// its ETag in the same entity group transaction as the entry, so the numbers have no gaps and commit in order.
/// A reader asks for the entries after the last number it saw: a poll with nothing new reads one row (the head).
/// </summary>
public sealed partial class TableBindingStore
{
    // Appends contend on the head only when writers race (admin calls, rare); a burst of 50 parallel calls
    // settles within a few dozen rounds with a random back-off.
    private const int MaxAppendAttempts = 64;
    private static readonly TimeSpan MaxAppendBackOff = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc />
    public async Task<ChangeFeedRead> ReadChangesAsync(long after, CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken);
        var from = Math.Max(after, 0);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ChangeEntity.Partition} and RowKey gt {ChangeEntity.RowFor(from)}");
        var rows = await QueryAsync<TableEntity>(filter, int.MaxValue, cancellationToken);
        long head = 0;
        var changes = new List<BindingChange>(rows.Count);
        foreach (var row in rows)
        {
            if (row.RowKey == FeedHeadEntity.Row)
            {
                head = row.GetInt64(nameof(FeedHeadEntity.Sequence)) ?? 0;
            }
            else if (long.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                changes.Add(new BindingChange(
                    sequence,
                    row.GetString(nameof(ChangeEntity.Sha256)) ?? "",
                    row.GetString(nameof(ChangeEntity.ClientId)) ?? "",
                    ChangeEntity.KindOf(row.GetString(nameof(ChangeEntity.Action))),
                    row.GetDateTimeOffset(nameof(ChangeEntity.At)) ?? DateTimeOffset.MinValue,
                    row.GetInt64(nameof(ChangeEntity.Version)) ?? 0));
            }
        }

        changes.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));

        // Complete when the entries run without a hole from the position asked for up to the head: appends
        // never leave holes, so a hole means entries were removed (retention) before this reader saw them.
        var complete = after >= 0 && head >= after;
        var expected = after + 1;
        foreach (var change in changes)
        {
            complete &= change.Sequence == expected;
            expected = change.Sequence + 1;
        }

        complete &= expected == Math.Max(head, after) + 1;
        return new ChangeFeedRead(Math.Max(head, after), changes, complete);
    }

    /// <summary>
    /// Deletes feed entries written before <paramref name="before"/> whose change has landed (or can no longer
    /// land): storage shows the announced state. An entry whose write may still land is kept, so readers keep
    /// treating its certificate as changing. The head is never deleted. A reader that had not yet read a
    /// deleted entry sees a hole and clears its cache (<see cref="ChangeFeedRead.Complete"/>).
    /// </summary>
    /// <returns>How many entries were deleted, and how many old ones were kept because they are unresolved.</returns>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out.</exception>
    public async Task<(int Deleted, int KeptUnresolved)> DeleteResolvedChangesAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {ChangeEntity.Partition} and RowKey lt {FeedHeadEntity.Row} and At lt {before.ToUniversalTime()}");
        var rows = await QueryAsync<ChangeEntity>(filter, int.MaxValue, cancellationToken);
        var deleted = 0;
        var kept = 0;
        foreach (var row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            var announced = new AnnouncedState(ChangeEntity.KindOf(row.Action), row.Version);
            var stored = await ReadCertificateAsync(_admin, row.Sha256, cancellationToken);
            if (!announced.IsResolvedBy(stored))
            {
                kept++;
                LogUnresolvedChange(_logger, row.RowKey, row.Sha256, row.Action);
                continue;
            }

            try
            {
                await _admin.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Another run deleted it.
            }
            catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
            {
                throw Unavailable("delete change", ex);
            }

            deleted++;
        }

        return (deleted, kept);
    }

    /// <summary>Appends one entry, retrying while other writers append; recognises its own append after a lost response.</summary>
    /// <param name="sha256">The certificate.</param>
    /// <param name="clientId">Its client.</param>
    /// <param name="action">What the entry announces.</param>
    /// <param name="operation">Names this append (unique per append: an update that announces twice names each).</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    /// <param name="version">For an update, the version it writes.</param>
    private async Task AppendChangeAsync(string sha256, string clientId, string action, string operation, CancellationToken cancellationToken, long version = 0)
    {
        for (var attempt = 0; attempt < MaxAppendAttempts; attempt++)
        {
            FeedHeadEntity? head;
            try
            {
                var response = await _admin.GetEntityIfExistsAsync<FeedHeadEntity>(ChangeEntity.Partition, FeedHeadEntity.Row, cancellationToken: cancellationToken);
                head = response.HasValue ? response.Value : null;
            }
            catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
            {
                throw Unavailable("read feed head", ex);
            }

            if (head is not null && string.Equals(head.LastOperationId, operation, StringComparison.Ordinal))
            {
                return;
            }

            var sequence = (head?.Sequence ?? 0) + 1;
            var entry = new ChangeEntity
            {
                PartitionKey = ChangeEntity.Partition,
                RowKey = ChangeEntity.RowFor(sequence),
                ClientId = clientId,
                Sha256 = sha256,
                At = _time.GetUtcNow(),
                Action = action,
                OperationId = operation,
                Version = version,
            };
            var next = new FeedHeadEntity
            {
                PartitionKey = ChangeEntity.Partition,
                RowKey = FeedHeadEntity.Row,
                Sequence = sequence,
                LastOperationId = operation,
            };
            var advance = head is null
                ? new TableTransactionAction(TableTransactionActionType.Add, next)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, head.ETag);
            try
            {
                await _admin.SubmitTransactionAsync([advance, new TableTransactionAction(TableTransactionActionType.Add, entry)], cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another writer appended first, or this append landed and its response was lost: read the head again.
                var ceiling = Math.Min(MaxAppendBackOff.TotalMilliseconds, 2 << Math.Min(attempt, 10));
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling), _time, cancellationToken);
            }
            catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
            {
                throw Unavailable("append change", ex);
            }
        }

        throw new BindingStoreUnavailableException("The change feed kept changing while appending.");
    }

    [LoggerMessage(EventId = 2007, EventName = "UnresolvedChangeKept", Level = LogLevel.Warning,
        Message = "Change {Sequence} ({Action} of certificate {Sha256}) never landed; kept: readers read that certificate from storage until it is retried")]
    private static partial void LogUnresolvedChange(ILogger logger, string sequence, string sha256, string action);
}
