using System.Data;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Warden.ControlPlane.Audit;
using Warden.ControlPlane.Reconcile;
using Warden.Storage;
using Warden.Storage.Backup;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Backup;

/// <summary>
/// <c>warden backup</c>: create, list, verify, restore and prune backups of the control-plane database in an
/// <see cref="IBackupStore"/>. A backup is a prefix <c>&lt;yyyyMMddTHHmmssZ&gt;-&lt;shortid&gt;/</c> holding the
/// payload (<c>payload.dump</c>: <c>pg_dump --format=custom</c>; <c>payload.sqlite</c>: an online-backup copy) and,
/// written last, <c>manifest.json</c>. Failures throw <see cref="BackupFailedException"/> with a one-line message.
/// </summary>
public sealed partial class BackupService
{
    /// <summary>Payload object name of a PostgreSQL backup.</summary>
    public const string PostgresPayload = "payload.dump";

    /// <summary>Payload object name of a SQLite backup.</summary>
    public const string SqlitePayload = "payload.sqlite";

    /// <summary>How old an incomplete backup (no manifest) must be before prune removes it.</summary>
    public static readonly TimeSpan IncompleteGracePeriod = TimeSpan.FromDays(1);

    private const string MigrationsTable = "__EFMigrationsHistory";

    private readonly StorageOptions _storage;
    private readonly BackupOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the service for the database <paramref name="storage"/> names.</summary>
    public BackupService(StorageOptions storage, BackupOptions options, TimeProvider? time = null, ILogger<BackupService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        _storage = storage;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The version of this Warden build, as written into manifests.</summary>
    public static string WardenVersion { get; } =
        typeof(BackupService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(BackupService).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Takes a consistent backup of the database and stores it; returns its manifest.</summary>
    public async Task<BackupManifest> CreateAsync(IBackupStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            var manifest = _storage.Kind == DatabaseKind.Postgres
                ? await CreatePostgresAsync(store, cancellationToken)
                : await CreateSqliteAsync(store, cancellationToken);
            LogCreated(_logger, manifest.BackupId, store.Location, manifest.PayloadBytes, manifest.SchemaMigration);
            return manifest;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCreateFailed(_logger, store.Location, ex);
            if (ex is BackupFailedException)
            {
                throw;
            }

            throw new BackupFailedException($"Backup to {store.Location} failed: {ex.Message}", ex);
        }
    }

    /// <summary>Every backup in the store, oldest first; incomplete ones (no manifest) included and marked.</summary>
    public static async Task<IReadOnlyList<BackupListEntry>> ListAsync(IBackupStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var ids = new SortedDictionary<string, bool>(StringComparer.Ordinal);
        await foreach (var name in store.ListAsync("", cancellationToken))
        {
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0)
            {
                continue;
            }

            var id = name[..slash];
            if (BackupManifest.TimeOfBackupId(id) is null)
            {
                continue; // not a backup of ours
            }

            var isManifest = string.Equals(name[(slash + 1)..], BackupManifest.FileName, StringComparison.Ordinal);
            ids[id] = (ids.TryGetValue(id, out var seen) && seen) || isManifest;
        }

        var entries = new List<BackupListEntry>();
        foreach (var (id, complete) in ids)
        {
            if (!complete)
            {
                entries.Add(new BackupListEntry(id, false, BackupManifest.TimeOfBackupId(id), null, null, null, null));
                continue;
            }

            var manifest = await ReadManifestAsync(store, id, cancellationToken);
            entries.Add(new BackupListEntry(id, true, manifest.CreatedAt, manifest.DatabaseKind, manifest.SchemaMigration, manifest.PayloadBytes, manifest.WardenVersion));
        }

        return entries;
    }

    /// <summary>
    /// Resolves <paramref name="backupId"/> (<c>latest</c> = the newest complete backup) and reads its manifest.
    /// Throws <see cref="BackupFailedException"/> when it is missing or incomplete.
    /// </summary>
    public static async Task<BackupManifest> ReadManifestAsync(IBackupStore store, string backupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(backupId);
        if (string.Equals(backupId, "latest", StringComparison.OrdinalIgnoreCase))
        {
            var latest = (await ListAsync(store, cancellationToken)).LastOrDefault(e => e.Complete)
                ?? throw new BackupFailedException($"There is no complete backup in {store.Location}.");
            backupId = latest.BackupId;
        }

        if (backupId.Contains('/', StringComparison.Ordinal) || BackupManifest.TimeOfBackupId(backupId) is null)
        {
            throw new BackupFailedException($"'{backupId}' is not a backup id (expected e.g. 20261124T101500Z-ab12cd, or 'latest').");
        }

        byte[] json;
        try
        {
            await using var stream = await store.OpenReadAsync(BackupManifest.ManifestName(backupId), cancellationToken);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            json = buffer.ToArray();
        }
        catch (BackupObjectNotFoundException)
        {
            var anyObject = false;
            await foreach (var _ in store.ListAsync(backupId + "/", cancellationToken))
            {
                anyObject = true;
                break;
            }

            throw new BackupFailedException(anyObject
                ? $"Backup {backupId} in {store.Location} is incomplete (it has no manifest: the backup was interrupted); it cannot be used."
                : $"Backup {backupId} is not in {store.Location}.");
        }

        var manifest = BackupManifest.Parse(json, BackupManifest.ManifestName(backupId));
        if (!string.Equals(manifest.BackupId, backupId, StringComparison.Ordinal))
        {
            throw new BackupFailedException($"The manifest of {backupId} names another backup ({manifest.BackupId}).");
        }

        return manifest;
    }

    /// <summary>
    /// Checks a backup end to end: payload size and SHA-256 against the manifest, a restore into a scratch database
    /// (PostgreSQL: a temporary database on the same server, or on <paramref name="scratchConnectionString"/>'s,
    /// dropped afterwards; SQLite: a temporary file), row counts against the manifest, and the audit hash chain.
    /// </summary>
    public async Task<BackupVerification> VerifyAsync(IBackupStore store, string backupId, string? scratchConnectionString, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var manifest = await ReadManifestAsync(store, backupId, cancellationToken);
        var failures = new List<string>();
        var passed = new List<string>();
        var temporary = Path.Combine(Path.GetTempPath(), $"warden-verify-{Guid.NewGuid():N}");
        try
        {
            var payload = await DownloadAsync(store, manifest, temporary, cancellationToken);
            if (payload.Bytes != manifest.PayloadBytes)
            {
                failures.Add($"size: the payload has {payload.Bytes} bytes, the manifest says {manifest.PayloadBytes}");
            }

            if (!string.Equals(payload.Sha256, manifest.PayloadSha256, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"checksum: the payload's SHA-256 is {payload.Sha256}, the manifest says {manifest.PayloadSha256} (the payload is corrupted)");
            }

            if (failures.Count > 0)
            {
                // A corrupted payload is not restored anywhere.
                return new BackupVerification(manifest, passed, failures);
            }

            passed.Add($"checksum: {payload.Bytes} bytes, SHA-256 {payload.Sha256}");
            if (!string.Equals(manifest.DatabaseKind, KindName(_storage.Kind), StringComparison.Ordinal))
            {
                failures.Add($"database kind: the backup is {manifest.DatabaseKind}, verify was pointed at a {KindName(_storage.Kind)} installation");
                return new BackupVerification(manifest, passed, failures);
            }

            if (_storage.Kind == DatabaseKind.Postgres)
            {
                await VerifyInScratchPostgresAsync(manifest, temporary, scratchConnectionString, passed, failures, cancellationToken);
            }
            else
            {
                await CheckRestoredAsync(SqliteOptions(temporary), manifest, passed, failures, cancellationToken);
            }
        }
        finally
        {
            DeleteSqliteFiles(temporary);
        }

        if (failures.Count == 0)
        {
            LogVerified(_logger, manifest.BackupId, store.Location);
        }
        else
        {
            LogVerifyFailed(_logger, manifest.BackupId, store.Location, string.Join("; ", failures));
        }

        return new BackupVerification(manifest, passed, failures);
    }

    /// <summary>
    /// Restores backup <paramref name="backupId"/> into the configured database. Checks the checksum first and refuses
    /// a backup of a schema this build does not know (written by a newer Warden) or of the other database kind; refuses
    /// a non-empty target unless <paramref name="force"/>. PostgreSQL: <c>pg_restore --clean --if-exists --no-owner
    /// --single-transaction</c>, so concurrent readers see the old or the new state, never half. SQLite: SQLite's
    /// online backup API copies the backup over the live file under its write lock, with the same all-or-nothing
    /// effect. Afterwards writes the <see cref="RestoreMarker"/> setting (a new restore id), appends a
    /// <c>backup.restore</c> audit event by <paramref name="actor"/>, and on PostgreSQL sends <c>NOTIFY warden_reconcile</c>.
    /// </summary>
    public async Task<RestoreResult> RestoreAsync(IBackupStore store, string backupId, bool force, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var manifest = await ReadManifestAsync(store, backupId, cancellationToken);
        if (!string.Equals(manifest.DatabaseKind, KindName(_storage.Kind), StringComparison.Ordinal))
        {
            throw new BackupFailedException($"Backup {manifest.BackupId} is a {manifest.DatabaseKind} backup; it cannot be restored into a {KindName(_storage.Kind)} database.");
        }

        var factory = new WardenDbContextFactory(_storage);
        var known = new WardenDatabase(factory).GetAllMigrations();
        if (!known.Contains(manifest.SchemaMigration, StringComparer.Ordinal))
        {
            throw new BackupFailedException(
                $"Backup {manifest.BackupId} has schema migration '{manifest.SchemaMigration}', which this warden ({WardenVersion}, newest migration '{known[^1]}') does not know: it was written by a newer Warden ({manifest.WardenVersion}). Restore it with that version or newer.");
        }

        var temporary = Path.Combine(Path.GetTempPath(), $"warden-restore-{Guid.NewGuid():N}");
        try
        {
            var payload = await DownloadAsync(store, manifest, temporary, cancellationToken);
            if (payload.Bytes != manifest.PayloadBytes || !string.Equals(payload.Sha256, manifest.PayloadSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new BackupFailedException(
                    $"Backup {manifest.BackupId} is corrupted: checksum mismatch (payload {payload.Bytes} bytes, SHA-256 {payload.Sha256}; the manifest says {manifest.PayloadBytes} bytes, {manifest.PayloadSha256}). Nothing was restored.");
            }

            var existing = await DescribeExistingAsync(factory, cancellationToken);
            if (existing is not null && !force)
            {
                throw new BackupFailedException($"The target database is not empty ({existing}); nothing was restored. Pass --force to replace it with backup {manifest.BackupId}.");
            }

            if (_storage.Kind == DatabaseKind.Postgres)
            {
                await RestorePostgresAsync(temporary, cancellationToken);
            }
            else
            {
                await RestoreSqliteAsync(temporary, cancellationToken);
            }
        }
        finally
        {
            DeleteSqliteFiles(temporary);
        }

        var restoreId = Guid.NewGuid().ToString("N");
        var restoredAt = AuditChain.TruncateToMicroseconds(_time.GetUtcNow());
        await using (var db = factory.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var value = RestoreMarkerJson(restoreId, restoredAt, manifest.BackupId);
            var setting = await db.PlatformSettings.SingleOrDefaultAsync(s => s.Key == RestoreMarker.SettingKey, cancellationToken);
            if (setting is null)
            {
                db.PlatformSettings.Add(new PlatformSetting { Key = RestoreMarker.SettingKey, Value = value, UpdatedAt = restoredAt });
            }
            else
            {
                setting.Value = value;
                setting.UpdatedAt = restoredAt;
            }

            await db.SaveChangesAsync(cancellationToken);
            var record = new AuditRecord(actor, [], null, "backup.restore", $"backup:{manifest.BackupId} restore:{restoreId}", AuditOutcome.Allowed, 0, null, null);
            await using (await AuditChain.AppendAsync(db, record, restoredAt, cancellationToken))
            {
                await transaction.CommitAsync(cancellationToken);
            }

            if (_storage.Kind == DatabaseKind.Postgres)
            {
                await db.Database.ExecuteSqlRawAsync("NOTIFY " + PostgresReconcileNotifier.Channel, cancellationToken);
            }
        }

        LogRestored(_logger, manifest.BackupId, store.Location, restoreId);
        var pending = await new WardenDatabase(factory).GetPendingMigrationsAsync(cancellationToken);
        return new RestoreResult(manifest, restoreId, restoredAt, pending);
    }

    /// <summary>
    /// Applies retention: keeps the newest <paramref name="keepLast"/> complete backups and those younger than
    /// <paramref name="keepDays"/> days (a backup either rule keeps stays), never the newest complete backup, and removes
    /// incomplete backups older than <see cref="IncompleteGracePeriod"/>. With <paramref name="dryRun"/> only reports.
    /// </summary>
    public async Task<PruneResult> PruneAsync(IBackupStore store, int? keepLast, int? keepDays, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (keepLast is null && keepDays is null)
        {
            throw new ArgumentException("Give --keep-last, --keep-days or both.", nameof(keepLast));
        }

        var now = _time.GetUtcNow();
        var entries = await ListAsync(store, cancellationToken);
        var complete = entries.Where(e => e.Complete).OrderByDescending(e => e.BackupId, StringComparer.Ordinal).ToList();
        var keep = new HashSet<string>(StringComparer.Ordinal);
        if (complete.Count > 0)
        {
            keep.Add(complete[0].BackupId); // never the newest complete backup
        }

        if (keepLast is { } last)
        {
            keep.UnionWith(complete.Take(last).Select(e => e.BackupId));
        }

        if (keepDays is { } days)
        {
            var cutoff = now - TimeSpan.FromDays(days);
            keep.UnionWith(complete.Where(e => e.CreatedAt >= cutoff).Select(e => e.BackupId));
        }

        var delete = complete.Where(e => !keep.Contains(e.BackupId)).Select(e => e.BackupId).ToList();
        var incomplete = entries.Where(e => !e.Complete && e.CreatedAt is { } at && now - at > IncompleteGracePeriod).Select(e => e.BackupId).ToList();
        if (!dryRun)
        {
            foreach (var id in delete.Concat(incomplete))
            {
                await DeleteBackupAsync(store, id, cancellationToken);
                LogPruned(_logger, id, store.Location);
            }
        }

        return new PruneResult([.. complete.Where(e => keep.Contains(e.BackupId)).Select(e => e.BackupId).Order(StringComparer.Ordinal)], delete, incomplete, dryRun);
    }

    private static async Task DeleteBackupAsync(IBackupStore store, string backupId, CancellationToken cancellationToken)
    {
        // The manifest goes first: an interrupted delete leaves an incomplete backup, which the next prune removes,
        // never a manifest pointing at a missing payload.
        await store.DeleteAsync(BackupManifest.ManifestName(backupId), cancellationToken);
        var names = new List<string>();
        await foreach (var name in store.ListAsync(backupId + "/", cancellationToken))
        {
            names.Add(name);
        }

        foreach (var name in names)
        {
            await store.DeleteAsync(name, cancellationToken);
        }
    }

    private async Task<BackupManifest> CreatePostgresAsync(IBackupStore store, CancellationToken cancellationToken)
    {
        var connectionString = _storage.ConnectionString;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var serverMajor = await PostgresTools.GetServerMajorVersionAsync(connection, cancellationToken);
        var tools = await PostgresTools.FindAsync(_options.PostgresBinDir, serverMajor, cancellationToken);

        // One snapshot for the counts and the dump: the transaction stays open until pg_dump is done with it.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await ExecuteAsync(connection, "SET TRANSACTION READ ONLY", cancellationToken);
        var snapshotId = (string)(await ScalarAsync(connection, "SELECT pg_export_snapshot()", cancellationToken))!;
        var createdAt = _time.GetUtcNow();
        var serverVersion = (string?)await ScalarAsync(connection, "SHOW server_version", cancellationToken);
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (!tables.Contains(MigrationsTable, StringComparer.Ordinal))
        {
            throw new BackupFailedException("The database has no Warden schema (no __EFMigrationsHistory table); run warden migrate first, or check the connection string.");
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            counts[table] = (long)(await ScalarAsync(connection, $"SELECT count(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", cancellationToken))!;
        }

        var migration = (string?)await ScalarAsync(connection, $"SELECT \"MigrationId\" FROM \"{MigrationsTable}\" ORDER BY \"MigrationId\" DESC LIMIT 1", cancellationToken)
            ?? throw new BackupFailedException("The database has no applied migrations; there is nothing to back up.");

        var backupId = BackupManifest.NewBackupId(createdAt);
        var payloadName = backupId + "/" + PostgresPayload;
        long bytes = 0;
        string? sha = null;
        try
        {
            await tools.DumpAsync(connectionString, snapshotId, async output =>
            {
                using var hashing = new HashingReadStream(output);
                await store.PutAsync(payloadName, hashing, cancellationToken);
                bytes = hashing.BytesRead;
                sha = hashing.FinishHex();
            }, cancellationToken);
        }
        catch
        {
            await TryDeleteAsync(store, payloadName);
            throw;
        }

        await transaction.CommitAsync(cancellationToken);
        var manifest = new BackupManifest
        {
            BackupId = backupId,
            CreatedAt = createdAt,
            WardenVersion = WardenVersion,
            SchemaMigration = migration,
            DatabaseKind = KindName(DatabaseKind.Postgres),
            Payload = PostgresPayload,
            PayloadBytes = bytes,
            PayloadSha256 = sha!,
            RowCounts = counts,
            ServerVersion = serverVersion,
            Tool = tools.VersionText,
        };
        await PutManifestAsync(store, manifest, cancellationToken);
        return manifest;
    }

    private async Task<BackupManifest> CreateSqliteAsync(IBackupStore store, CancellationToken cancellationToken)
    {
        var source = SqlitePath(_storage.ConnectionString);
        if (!File.Exists(source))
        {
            throw new BackupFailedException($"The SQLite database '{source}' does not exist; check --data-dir / the connection string.");
        }

        var copy = Path.Combine(Path.GetTempPath(), $"warden-backup-{Guid.NewGuid():N}.sqlite");
        try
        {
            var createdAt = _time.GetUtcNow();
            // SQLite's online backup API: a consistent copy while warden serve keeps writing (WAL readers never block
            // the writer); the copy is a point-in-time image of one read transaction.
            await Task.Run(() =>
            {
                using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
                using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
                from.Open();
                to.Open();
                SetBusyTimeout(from);
                from.BackupDatabase(to);
                using var journal = to.CreateCommand();
                journal.CommandText = "PRAGMA journal_mode=DELETE;";
                journal.ExecuteNonQuery();
            }, cancellationToken);

            var (counts, migration, version) = await ReadSqliteFactsAsync(copy, cancellationToken);
            if (migration is null)
            {
                throw new BackupFailedException("The database has no applied migrations; there is nothing to back up.");
            }

            var backupId = BackupManifest.NewBackupId(createdAt);
            var payloadName = backupId + "/" + SqlitePayload;
            long bytes;
            string sha;
            await using (var file = new FileStream(copy, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
            using (var hashing = new HashingReadStream(file))
            {
                try
                {
                    await store.PutAsync(payloadName, hashing, cancellationToken);
                }
                catch
                {
                    await TryDeleteAsync(store, payloadName);
                    throw;
                }

                bytes = hashing.BytesRead;
                sha = hashing.FinishHex();
            }

            var manifest = new BackupManifest
            {
                BackupId = backupId,
                CreatedAt = createdAt,
                WardenVersion = WardenVersion,
                SchemaMigration = migration,
                DatabaseKind = KindName(DatabaseKind.Sqlite),
                Payload = SqlitePayload,
                PayloadBytes = bytes,
                PayloadSha256 = sha,
                RowCounts = counts,
                ServerVersion = version,
                Tool = "sqlite online backup",
            };
            await PutManifestAsync(store, manifest, cancellationToken);
            return manifest;
        }
        finally
        {
            DeleteSqliteFiles(copy);
        }
    }

    private static async Task<(Dictionary<string, long> Counts, string? Migration, string? Version)> ReadSqliteFactsAsync(string file, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            counts[table] = await SqliteScalarAsync<long>(connection, $"SELECT count(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", cancellationToken);
        }

        string? migration = null;
        if (tables.Contains(MigrationsTable, StringComparer.Ordinal))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT \"MigrationId\" FROM \"{MigrationsTable}\" ORDER BY \"MigrationId\" DESC LIMIT 1";
            migration = (string?)await command.ExecuteScalarAsync(cancellationToken);
        }

        await using var versionCommand = connection.CreateCommand();
        versionCommand.CommandText = "SELECT sqlite_version()";
        var version = "SQLite " + (string?)await versionCommand.ExecuteScalarAsync(cancellationToken);
        return (counts, migration, version);
    }

    private async Task VerifyInScratchPostgresAsync(BackupManifest manifest, string dumpFile, string? scratchConnectionString, List<string> passed, List<string> failures, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(scratchConnectionString ?? _storage.ConnectionString) { Pooling = false };
        var scratchName = "warden_verify_" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = new NpgsqlConnection(server.ConnectionString);
        await admin.OpenAsync(cancellationToken);
        var serverMajor = await PostgresTools.GetServerMajorVersionAsync(admin, cancellationToken);
        var tools = await PostgresTools.FindAsync(_options.PostgresBinDir, serverMajor, cancellationToken);
        await ExecuteAsync(admin, $"CREATE DATABASE \"{scratchName}\"", cancellationToken);
        try
        {
            var scratch = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = scratchName, Pooling = false }.ConnectionString;
            try
            {
                await tools.RestoreAsync(scratch, dumpFile, ["--no-owner", "--single-transaction"], cancellationToken);
                passed.Add($"restore: pg_restore into the scratch database {scratchName} succeeded");
            }
            catch (BackupFailedException ex)
            {
                failures.Add("restore: " + ex.Message);
                return;
            }

            await CheckRestoredAsync(StorageOptions.ForPostgres(scratch), manifest, passed, failures, cancellationToken);
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{scratchName}\" WITH (FORCE)", CancellationToken.None);
        }
    }

    private static async Task CheckRestoredAsync(StorageOptions restored, BackupManifest manifest, List<string> passed, List<string> failures, CancellationToken cancellationToken)
    {
        var factory = new WardenDbContextFactory(restored);
        await using var db = factory.CreateDbContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (restored.Kind == DatabaseKind.Sqlite)
        {
            var integrity = (await db.Database.SqlQueryRaw<string>("PRAGMA integrity_check").ToListAsync(cancellationToken)).FirstOrDefault();
            if (!string.Equals(integrity, "ok", StringComparison.Ordinal))
            {
                failures.Add($"integrity: PRAGMA integrity_check reports '{integrity}'");
            }
            else
            {
                passed.Add("integrity: PRAGMA integrity_check ok");
            }
        }

        var mismatches = new List<string>();
        long rows = 0;
        foreach (var (table, expected) in manifest.RowCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            long actual;
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT count(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
                actual = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            }
            catch (System.Data.Common.DbException ex)
            {
                mismatches.Add($"{table}: missing ({ex.Message})");
                continue;
            }

            rows += actual;
            if (actual != expected)
            {
                mismatches.Add($"{table}: {actual} rows, the manifest says {expected}");
            }
        }

        if (mismatches.Count > 0)
        {
            failures.Add("row counts: " + string.Join("; ", mismatches));
        }
        else
        {
            passed.Add($"row counts: {manifest.RowCounts.Count} tables, {rows} rows, as in the manifest");
        }

        var audit = await AuditChain.VerifyAsync(db, cancellationToken);
        if (audit.Valid)
        {
            passed.Add($"audit chain: {audit.Checked} event(s) verified");
        }
        else
        {
            failures.Add($"audit chain: broken at event {audit.FirstBrokenId}: {audit.Reason}");
        }
    }

    private async Task RestorePostgresAsync(string dumpFile, CancellationToken cancellationToken)
    {
        var factory = new WardenDbContextFactory(_storage);
        await using (var context = factory.CreateDbContext())
        {
            var creator = context.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync(cancellationToken))
            {
                await creator.CreateAsync(cancellationToken);
            }
        }

        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_storage.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var serverMajor = await PostgresTools.GetServerMajorVersionAsync(connection, cancellationToken);
        var tools = await PostgresTools.FindAsync(_options.PostgresBinDir, serverMajor, cancellationToken);
        await tools.RestoreAsync(_storage.ConnectionString, dumpFile, ["--clean", "--if-exists", "--no-owner", "--single-transaction"], cancellationToken);
        NpgsqlConnection.ClearAllPools();
    }

    private async Task RestoreSqliteAsync(string backupFile, CancellationToken cancellationToken)
    {
        var target = SqlitePath(_storage.ConnectionString);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await Task.Run(() =>
        {
            using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = backupFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false, DefaultTimeout = 60 }.ToString());
            from.Open();
            to.Open();
            // sqlite3_backup_step waits for the live file's write lock through the busy handler.
            SetBusyTimeout(to);
            from.BackupDatabase(to);
            using var journal = to.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode=WAL;";
            journal.ExecuteNonQuery();
        }, cancellationToken);
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Null when the database is empty (or missing); otherwise what is in it.</summary>
    private async Task<string?> DescribeExistingAsync(WardenDbContextFactory factory, CancellationToken cancellationToken)
    {
        if (_storage.Kind == DatabaseKind.Sqlite)
        {
            var path = SqlitePath(_storage.ConnectionString);
            if (!File.Exists(path) || new FileInfo(path).Length == 0)
            {
                return null;
            }
        }

        await using var context = factory.CreateDbContext();
        if (_storage.Kind == DatabaseKind.Postgres && !await context.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken))
        {
            return null;
        }

        var sql = _storage.Kind == DatabaseKind.Postgres
            ? "SELECT count(*)::int AS \"Value\" FROM pg_tables WHERE schemaname = current_schema()"
            : "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
        var tables = await context.Database.SqlQueryRaw<int>(sql).SingleAsync(cancellationToken);
        if (tables == 0)
        {
            return null;
        }

        var applied = await context.Database.GetAppliedMigrationsAsync(cancellationToken);
        var current = applied.LastOrDefault();
        return current is null ? $"{tables} table(s)" : $"{tables} table(s), schema at {current}";
    }

    private static async Task<(long Bytes, string Sha256)> DownloadAsync(IBackupStore store, BackupManifest manifest, string file, CancellationToken cancellationToken)
    {
        Stream source;
        try
        {
            source = await store.OpenReadAsync(manifest.PayloadName, cancellationToken);
        }
        catch (BackupObjectNotFoundException ex)
        {
            throw new BackupFailedException($"Backup {manifest.BackupId} has a manifest but its payload {manifest.Payload} is missing from {store.Location}.", ex);
        }

        await using (source)
        await using (var target = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        using (var hashing = new HashingReadStream(source))
        {
            await hashing.CopyToAsync(target, 1 << 20, cancellationToken);
            return (hashing.BytesRead, hashing.FinishHex());
        }
    }

    private static async Task PutManifestAsync(IBackupStore store, BackupManifest manifest, CancellationToken cancellationToken)
    {
        using var json = new MemoryStream(manifest.ToJson());
        await store.PutAsync(BackupManifest.ManifestName(manifest.BackupId), json, cancellationToken);
    }

    private static async Task TryDeleteAsync(IBackupStore store, string name)
    {
        try
        {
            await store.DeleteAsync(name, CancellationToken.None);
        }
#pragma warning disable CA1031 // Best-effort clean-up of a failed backup; the original error is what matters, and prune removes leftovers.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static string RestoreMarkerJson(string restoreId, DateTimeOffset restoredAt, string backupId)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("restoreId", restoreId);
            writer.WriteString("restoredAt", restoredAt);
            writer.WriteString("backupId", backupId);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void SetBusyTimeout(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 60000;";
        command.ExecuteNonQuery();
    }

    private static StorageOptions SqliteOptions(string file) =>
        new() { Kind = DatabaseKind.Sqlite, ConnectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString() };

    private static string SqlitePath(string connectionString) =>
        Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);

    private static void DeleteSqliteFiles(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary><c>postgres</c> or <c>sqlite</c>, as manifests name the kinds.</summary>
    public static string KindName(DatabaseKind kind) => kind == DatabaseKind.Postgres ? "postgres" : "sqlite";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<T> SqliteScalarAsync<T>(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(cancellationToken))!, typeof(T), CultureInfo.InvariantCulture);
    }

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.BackupCreated, Level = LogLevel.Information, Message = "Backup {BackupId} written to {Location} ({Bytes} bytes, schema {Migration})")]
    private static partial void LogCreated(ILogger logger, string backupId, string location, long bytes, string migration);

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.BackupFailed, Level = LogLevel.Error, Message = "Backup to {Location} failed")]
    private static partial void LogCreateFailed(ILogger logger, string location, Exception exception);

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.BackupVerified, Level = LogLevel.Information, Message = "Backup {BackupId} in {Location} verified")]
    private static partial void LogVerified(ILogger logger, string backupId, string location);

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.BackupVerifyFailed, Level = LogLevel.Error, Message = "Backup {BackupId} in {Location} failed verification: {Failures}")]
    private static partial void LogVerifyFailed(ILogger logger, string backupId, string location, string failures);

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.BackupRestored, Level = LogLevel.Warning, Message = "Backup {BackupId} from {Location} restored (restore id {RestoreId})")]
    private static partial void LogRestored(ILogger logger, string backupId, string location, string restoreId);

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.BackupPruned, Level = LogLevel.Information, Message = "Pruned backup {BackupId} from {Location}")]
    private static partial void LogPruned(ILogger logger, string backupId, string location);
}

/// <summary>The outcome of <see cref="BackupService.VerifyAsync"/>.</summary>
/// <param name="Manifest">The verified backup's manifest.</param>
/// <param name="Passed">The checks that passed, one line each.</param>
/// <param name="Failures">The checks that failed, one line each, each starting with the check's name.</param>
public sealed record BackupVerification(BackupManifest Manifest, IReadOnlyList<string> Passed, IReadOnlyList<string> Failures)
{
    /// <summary>True when every check passed.</summary>
    public bool Ok => Failures.Count == 0;
}

/// <summary>The outcome of <see cref="BackupService.RestoreAsync"/>.</summary>
/// <param name="Manifest">The restored backup's manifest.</param>
/// <param name="RestoreId">The new restore id written to the <see cref="RestoreMarker"/> setting.</param>
/// <param name="RestoredAt">When the restore completed.</param>
/// <param name="PendingMigrations">Migrations of this build the restored (older) schema lacks; run <c>warden migrate</c>.</param>
public sealed record RestoreResult(BackupManifest Manifest, string RestoreId, DateTimeOffset RestoredAt, IReadOnlyList<string> PendingMigrations);

/// <summary>The outcome of <see cref="BackupService.PruneAsync"/>.</summary>
/// <param name="Kept">Complete backups kept.</param>
/// <param name="Deleted">Complete backups deleted (or that would be, on a dry run).</param>
/// <param name="IncompleteDeleted">Incomplete leftovers deleted (or that would be).</param>
/// <param name="DryRun">True when nothing was deleted.</param>
public sealed record PruneResult(IReadOnlyList<string> Kept, IReadOnlyList<string> Deleted, IReadOnlyList<string> IncompleteDeleted, bool DryRun);
