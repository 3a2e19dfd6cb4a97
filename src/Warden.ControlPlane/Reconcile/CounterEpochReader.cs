using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Warden.Core.Budgets;
using Warden.Core.Diagnostics;
using Warden.Storage;
using Warden.Storage.Backup;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// Derives the counter epoch from the database itself, so every control-plane replica computes the same value and a
/// restarted control plane keeps it: a hash of the restore marker's <c>restoreId</c> (new on every restore) and, on
/// PostgreSQL, the cluster's system identifier (a replaced cluster), the current timeline (a point-in-time recovery
/// promotes to a new one; so does a failover, which then costs one re-seed) and the database's oid (a database dropped
/// and restored anew). One small query, run on every reconcile check. When the server does not permit the control
/// functions (<c>pg_control_system</c>, <c>pg_current_wal_lsn</c>; both are public by default), it falls back to
/// what it may read and says so once. Not thread-safe: owned by the reconcile loop.
/// </summary>
internal sealed partial class CounterEpochReader
{
    // Level 0: everything. Level 1: no pg_control_system (timeline from the WAL file name). Level 2: the database oid only.
    private static readonly string[] s_queries =
    [
        """
        SELECT (SELECT system_identifier FROM pg_control_system())::text,
               CASE WHEN pg_is_in_recovery() THEN (SELECT timeline_id FROM pg_control_checkpoint())::bigint
                    ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END,
               (SELECT oid FROM pg_database WHERE datname = current_database())::bigint,
               (SELECT value FROM platform_settings WHERE key = @key)
        """,
        """
        SELECT NULL::text,
               CASE WHEN pg_is_in_recovery() THEN NULL::bigint
                    ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END,
               (SELECT oid FROM pg_database WHERE datname = current_database())::bigint,
               (SELECT value FROM platform_settings WHERE key = @key)
        """,
        """
        SELECT NULL::text, NULL::bigint,
               (SELECT oid FROM pg_database WHERE datname = current_database())::bigint,
               (SELECT value FROM platform_settings WHERE key = @key)
        """,
    ];

    private readonly ILogger _logger;
    private int _level;

    public CounterEpochReader(ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Reads the epoch's sources and derives it.</summary>
    public async Task<CounterEpochSource> ReadAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        if (db.Kind != DatabaseKind.Postgres)
        {
            var marker = await db.PlatformSettings.AsNoTracking().Where(s => s.Key == RestoreMarker.SettingKey).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
            return Derive(RestoreIdOf(marker), null, null, null);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            while (true)
            {
                try
                {
                    return await QueryAsync(connection, s_queries[_level], cancellationToken);
                }
                catch (PostgresException ex) when (_level < s_queries.Length - 1 && ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectNotInPrerequisiteState)
                {
                    // The server permits less than the default (a hardened managed service): use what it allows.
                    _level++;
                    LogRestricted(_logger, ex.SqlState, _level == 1 ? "the system identifier" : "the system identifier and the timeline");
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<CounterEpochSource> QueryAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var key = command.CreateParameter();
        key.ParameterName = "key";
        key.Value = RestoreMarker.SettingKey;
        command.Parameters.Add(key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var system = reader.IsDBNull(0) ? null : reader.GetString(0);
        long? timeline = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        long? oid = reader.IsDBNull(2) ? null : reader.GetInt64(2);
        var marker = reader.IsDBNull(3) ? null : reader.GetString(3);
        return Derive(RestoreIdOf(marker), system, timeline, oid);
    }

    /// <summary>The epoch of the given sources (the same on every replica for the same database).</summary>
    public static CounterEpochSource Derive(string? restoreId, string? systemIdentifier, long? timeline, long? databaseOid)
    {
        var epoch = CounterEpochs.Derive(
        [
            KeyValuePair.Create("restore", restoreId),
            KeyValuePair.Create("system", systemIdentifier),
            KeyValuePair.Create("timeline", timeline?.ToString(CultureInfo.InvariantCulture)),
            KeyValuePair.Create("database", databaseOid?.ToString(CultureInfo.InvariantCulture)),
        ]);
        return new CounterEpochSource(epoch, restoreId, systemIdentifier, timeline, databaseOid);
    }

    /// <summary>The <c>restoreId</c> of the marker's JSON; the raw text when it is not that JSON (still unique per write).</summary>
    internal static string? RestoreIdOf(string? marker)
    {
        if (string.IsNullOrWhiteSpace(marker))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(marker);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("restoreId", out var id)
                && id.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(id.GetString()))
            {
                return id.GetString();
            }
        }
        catch (JsonException)
        {
        }

        return marker;
    }

    [LoggerMessage(EventId = WardenEventIds.CounterEpochSourceRestricted, Level = LogLevel.Warning,
        Message = "The database refused a control function ({SqlState}); the counter epoch is derived without {Missing}. A restore through warden still starts a new epoch; a point-in-time recovery may not")]
    private static partial void LogRestricted(ILogger logger, string sqlState, string missing);
}
