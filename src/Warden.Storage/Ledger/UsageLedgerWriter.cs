using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Warden.Core.Usage;
using Warden.Storage.Sqlite;

namespace Warden.Storage.Ledger;

/// <summary>
/// Appends usage events to the ledger (<c>usage_records</c> and <c>usage_record_groups</c>) in bulk, idempotently by
/// event id: an event already in the ledger is skipped, so a re-sent batch never counts twice. An event that carries a
/// <see cref="UsageEvent.Block"/> also becomes a <c>guardrail_blocks</c> row (same id, same idempotency). One
/// transaction per batch; when <see cref="WriteAsync"/> returns, the rows are committed.
/// <list type="bullet">
/// <item>PostgreSQL: binary <c>COPY</c> into session-local staging tables, then
/// <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c> into the ledger. Blocks (rare) travel as array parameters of one
/// more <c>INSERT … SELECT FROM unnest(…)</c> in the same command batch: no extra round trip, and none at all when the
/// batch has no block.</item>
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

    private const string BlockColumns = "id, occurred_at, organization_id, project_id, consumer_id, rule_id, kind, snippet, request_id, reported_false_positive";

    private const string PostgresBlockSql =
        "INSERT INTO guardrail_blocks (" + BlockColumns + ") " +
        "SELECT b.id, b.occurred_at, b.organization_id, b.project_id, b.consumer_id, b.rule_id, b.kind, b.snippet, b.request_id, FALSE " +
        "FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) " +
        "AS b(id, occurred_at, organization_id, project_id, consumer_id, rule_id, kind, snippet, request_id) ON CONFLICT (id) DO NOTHING";

    private const string SqliteBlockSql =
        "INSERT OR IGNORE INTO guardrail_blocks (" + BlockColumns + ") VALUES " +
        "($id, $occurred_at, $organization_id, $project_id, $consumer_id, $rule_id, $kind, $snippet, $request_id, 0)";

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
            if (BlockCommand(events) is { } blocks)
            {
                merge.BatchCommands.Add(blocks);
            }

            await merge.ExecuteNonQueryAsync(cancellationToken);
            inserted = merge.BatchCommands[0].RecordsAffected;
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    /// <summary>The <c>guardrail_blocks</c> insert for the batch's blocks, or null when it has none (the common case).</summary>
    private static NpgsqlBatchCommand? BlockCommand(IReadOnlyList<UsageEvent> events)
    {
        List<UsageEvent>? blocked = null;
        foreach (var e in events)
        {
            if (e.Block is not null)
            {
                (blocked ??= []).Add(e);
            }
        }

        if (blocked is null)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(PostgresBlockSql);
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, blocked.Select(e => e.EventId)));
        command.Parameters.Add(Array(NpgsqlDbType.TimestampTz, blocked.Select(e => e.OccurredAt.ToUniversalTime())));
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, blocked.Select(e => e.OrganizationId)));
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, blocked.Select(e => e.ProjectId)));
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, blocked.Select(e => e.ConsumerId)));
        command.Parameters.Add(Array(NpgsqlDbType.Varchar, blocked.Select(e => e.Block!.RuleId)));
        command.Parameters.Add(Array(NpgsqlDbType.Varchar, blocked.Select(e => e.Block!.Kind)));
        command.Parameters.Add(Array(NpgsqlDbType.Varchar, blocked.Select(e => e.Block!.Snippet)));
        command.Parameters.Add(Array(NpgsqlDbType.Varchar, blocked.Select(e => e.RequestId)));
        return command;
    }

    // Positional ($1 …) parameters work in a command batch whether or not SQL rewriting is on.
    private static NpgsqlParameter Array<T>(NpgsqlDbType type, IEnumerable<T> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values.ToArray() };

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

        // Prepared only for a batch that carries a block (rare).
        await using var block = events.Any(e => e.Block is not null) ? connection.CreateCommand() : null;
        var b = new Dictionary<string, SqliteParameter>(StringComparer.Ordinal);
        if (block is not null)
        {
            block.Transaction = transaction;
            block.CommandText = SqliteBlockSql;
            foreach (var name in BlockColumns.Split(", ").SkipLast(1))
            {
                b[name] = block.Parameters.Add(new SqliteParameter("$" + name, null));
            }
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
            if (block is not null && e.Block is { } info)
            {
                // INSERT OR IGNORE on its own id, so a re-sent block is skipped like its usage row.
                b["id"].Value = SqliteGuid(e.EventId);
                b["occurred_at"].Value = occurredAt;
                b["organization_id"].Value = SqliteGuid(e.OrganizationId);
                b["project_id"].Value = SqliteGuid(e.ProjectId);
                b["consumer_id"].Value = SqliteGuid(e.ConsumerId);
                b["rule_id"].Value = info.RuleId;
                b["kind"].Value = info.Kind;
                b["snippet"].Value = info.Snippet;
                b["request_id"].Value = e.RequestId;
                await block.ExecuteNonQueryAsync(cancellationToken);
            }

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
