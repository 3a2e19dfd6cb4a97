using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Warden.Core.Usage;
using Warden.Storage.Sqlite;

namespace Warden.Storage.Ledger;

/// <summary>
/// Appends usage events to the ledger (<c>usage_records</c> and <c>usage_record_groups</c>) in bulk, idempotently by
/// event id: an event already in the ledger is skipped, so a re-sent batch never counts twice. One transaction per
/// batch; when <see cref="WriteAsync"/> returns, the rows are committed.
/// <list type="bullet">
/// <item>PostgreSQL: binary <c>COPY</c> into session-local staging tables, then
/// <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c> into the ledger.</item>
/// <item>SQLite: one <c>BEGIN IMMEDIATE</c> transaction with a prepared <c>INSERT OR IGNORE</c> per row.</item>
/// </list>
/// Rows are only ever inserted; no shared row is updated, so concurrent batches never wait on each other's rows.
/// Thread-safe; register as a singleton.
/// </summary>
public sealed class UsageLedgerWriter : IAsyncDisposable
{
    private const string RecordColumns =
        "event_id, occurred_at, organization_id, project_id, consumer_id, api_key_id, logical_model, provider_name, upstream_model, " +
        "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cache_hit, status, latency_ms, request_id";

    private const string GroupColumns = "event_id, group_id, occurred_at, cost_usd";

    // Staging tables live in the session and are emptied at commit; IF NOT EXISTS makes the statement cheap on a
    // pooled connection that already has them.
    private const string PostgresStageSql =
        "CREATE TEMP TABLE IF NOT EXISTS usage_records_stage (LIKE usage_records) ON COMMIT DELETE ROWS;" +
        "CREATE TEMP TABLE IF NOT EXISTS usage_record_groups_stage (LIKE usage_record_groups) ON COMMIT DELETE ROWS;";

    private const string SqliteRecordSql =
        "INSERT OR IGNORE INTO usage_records (" + RecordColumns + ") VALUES " +
        "($event_id, $occurred_at, $organization_id, $project_id, $consumer_id, $api_key_id, $logical_model, $provider_name, $upstream_model, " +
        "$input_tokens, $output_tokens, $cache_read_tokens, $cache_write_tokens, $cost_usd, $cache_hit, $status, $latency_ms, $request_id)";

    private const string SqliteGroupSql =
        "INSERT OR IGNORE INTO usage_record_groups (" + GroupColumns + ") VALUES ($event_id, $group_id, $occurred_at, $cost_usd)";

    private readonly StorageOptions _options;
    private readonly NpgsqlDataSource? _dataSource;

    /// <summary>Creates a writer for the database in <paramref name="options"/>.</summary>
    public UsageLedgerWriter(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        if (options.Kind == DatabaseKind.Postgres)
        {
            // The pool is the writer's own: skipping the reset on return keeps each connection's staging tables, so a
            // batch does not create and drop two temporary tables (ON COMMIT DELETE ROWS empties them).
            _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(options.ConnectionString) { NoResetOnClose = true }.ConnectionString);
        }
    }

    /// <summary>
    /// Writes <paramref name="events"/> (assumed valid: see the ingest validation) in one transaction and returns how
    /// many were new. Database failures surface as <see cref="System.Data.Common.DbException"/> (nothing was written).
    /// </summary>
    public Task<int> WriteAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return Task.FromResult(0);
        }

        return _dataSource is not null ? WritePostgresAsync(_dataSource, events, cancellationToken) : WriteSqliteAsync(events, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static async Task<int> WritePostgresAsync(NpgsqlDataSource dataSource, IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var stage = new NpgsqlCommand(PostgresStageSql, connection, transaction))
        {
            await stage.ExecuteNonQueryAsync(cancellationToken);
        }

        var groupRows = 0;
        await using (var import = await connection.BeginBinaryImportAsync($"COPY usage_records_stage ({RecordColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var e in events)
            {
                await import.StartRowAsync(cancellationToken);
                await import.WriteAsync(e.EventId, NpgsqlDbType.Uuid, cancellationToken);
                await import.WriteAsync(e.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await import.WriteAsync(e.OrganizationId, NpgsqlDbType.Uuid, cancellationToken);
                await import.WriteAsync(e.ProjectId, NpgsqlDbType.Uuid, cancellationToken);
                await import.WriteAsync(e.ConsumerId, NpgsqlDbType.Uuid, cancellationToken);
                if (e.KeyId == Guid.Empty)
                {
                    await import.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await import.WriteAsync(e.KeyId, NpgsqlDbType.Uuid, cancellationToken);
                }

                await import.WriteAsync(e.LogicalModel, NpgsqlDbType.Varchar, cancellationToken);
                await WriteNullableAsync(import, e.ProviderName, cancellationToken);
                await WriteNullableAsync(import, e.UpstreamModel, cancellationToken);
                await import.WriteAsync(e.Tokens.InputTokens, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(e.Tokens.OutputTokens, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(e.Tokens.CacheReadTokens, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(e.Tokens.CacheWriteTokens, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(e.CostUsd, NpgsqlDbType.Numeric, cancellationToken);
                await import.WriteAsync(e.CacheHit, NpgsqlDbType.Boolean, cancellationToken);
                await import.WriteAsync(e.Status, NpgsqlDbType.Varchar, cancellationToken);
                await import.WriteAsync(LatencyColumn(e.LatencyMs), NpgsqlDbType.Integer, cancellationToken);
                await import.WriteAsync(e.RequestId, NpgsqlDbType.Varchar, cancellationToken);
                groupRows += e.GroupIds.Count;
            }

            await import.CompleteAsync(cancellationToken);
        }

        if (groupRows > 0)
        {
            await using var import = await connection.BeginBinaryImportAsync($"COPY usage_record_groups_stage ({GroupColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var e in events)
            {
                foreach (var groupId in e.GroupIds)
                {
                    await import.StartRowAsync(cancellationToken);
                    await import.WriteAsync(e.EventId, NpgsqlDbType.Uuid, cancellationToken);
                    await import.WriteAsync(groupId, NpgsqlDbType.Uuid, cancellationToken);
                    await import.WriteAsync(e.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                    await import.WriteAsync(e.CostUsd, NpgsqlDbType.Numeric, cancellationToken);
                }
            }

            await import.CompleteAsync(cancellationToken);
        }

        int inserted;
        await using (var merge = new NpgsqlBatch(connection, transaction))
        {
            merge.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO usage_records (" + RecordColumns + ") SELECT " + RecordColumns + " FROM usage_records_stage ON CONFLICT (event_id) DO NOTHING"));
            merge.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO usage_record_groups (" + GroupColumns + ") SELECT " + GroupColumns + " FROM usage_record_groups_stage ON CONFLICT (event_id, group_id) DO NOTHING"));
            await merge.ExecuteNonQueryAsync(cancellationToken);
            inserted = merge.BatchCommands[0].RecordsAffected;
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter import, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await import.WriteNullAsync(cancellationToken);
        }
        else
        {
            await import.WriteAsync(value, NpgsqlDbType.Varchar, cancellationToken);
        }
    }

    private async Task<int> WriteSqliteAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_options.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // Serializable = BEGIN IMMEDIATE: take the write lock up front instead of failing to upgrade a read lock.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);

        await using var record = connection.CreateCommand();
        record.Transaction = transaction;
        record.CommandText = SqliteRecordSql;
        var p = new Dictionary<string, SqliteParameter>(StringComparer.Ordinal);
        foreach (var name in RecordColumns.Split(", "))
        {
            p[name] = record.Parameters.Add(new SqliteParameter("$" + name, null));
        }

        await using var group = connection.CreateCommand();
        group.Transaction = transaction;
        group.CommandText = SqliteGroupSql;
        var g = new Dictionary<string, SqliteParameter>(StringComparer.Ordinal);
        foreach (var name in GroupColumns.Split(", "))
        {
            g[name] = group.Parameters.Add(new SqliteParameter("$" + name, null));
        }

        var inserted = 0;
        foreach (var e in events)
        {
            // Same representations as the EF Core model (SqliteWardenDbContext): GUIDs as upper-case text,
            // times as UTC unix microseconds, money as nano-USD integers.
            var occurredAt = UnixMicrosecondsConverter.ToMicroseconds(e.OccurredAt);
            var cost = NanoUsdConverter.ToNanos(e.CostUsd);
            p["event_id"].Value = SqliteGuid(e.EventId);
            p["occurred_at"].Value = occurredAt;
            p["organization_id"].Value = SqliteGuid(e.OrganizationId);
            p["project_id"].Value = SqliteGuid(e.ProjectId);
            p["consumer_id"].Value = SqliteGuid(e.ConsumerId);
            p["api_key_id"].Value = e.KeyId == Guid.Empty ? DBNull.Value : SqliteGuid(e.KeyId);
            p["logical_model"].Value = e.LogicalModel;
            p["provider_name"].Value = (object?)e.ProviderName ?? DBNull.Value;
            p["upstream_model"].Value = (object?)e.UpstreamModel ?? DBNull.Value;
            p["input_tokens"].Value = e.Tokens.InputTokens;
            p["output_tokens"].Value = e.Tokens.OutputTokens;
            p["cache_read_tokens"].Value = e.Tokens.CacheReadTokens;
            p["cache_write_tokens"].Value = e.Tokens.CacheWriteTokens;
            p["cost_usd"].Value = cost;
            p["cache_hit"].Value = e.CacheHit ? 1L : 0L;
            p["status"].Value = e.Status;
            p["latency_ms"].Value = LatencyColumn(e.LatencyMs);
            p["request_id"].Value = e.RequestId;
            var added = await record.ExecuteNonQueryAsync(cancellationToken);
            inserted += added;
            if (added == 0)
            {
                continue;
            }

            foreach (var groupId in e.GroupIds)
            {
                g["event_id"].Value = SqliteGuid(e.EventId);
                g["group_id"].Value = SqliteGuid(groupId);
                g["occurred_at"].Value = occurredAt;
                g["cost_usd"].Value = cost;
                await group.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    private static string SqliteGuid(Guid value) => value.ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant();

    private static int LatencyColumn(long latencyMs) => (int)Math.Clamp(latencyMs, 0, int.MaxValue);
}
