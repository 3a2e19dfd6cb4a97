using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.ControlPlane.Audit;
using Warden.Storage;
using Warden.Storage.Backup;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Backup;

/// <summary>
/// DR-4, back up before every upgrade: <c>warden migrate</c> and a control plane starting with pending migrations
/// migrate through here. When the database already has applied migrations and this build has pending ones, a backup
/// is taken to <see cref="BackupOptions.Location"/> first; if that fails, or no location is configured, the migration
/// is refused and nothing changes. Skipping the backup (<c>--no-backup</c>, <c>Backup:BeforeMigrate=false</c>) is
/// logged as a warning. Every upgrade of an existing database is audited (<c>database.migrate</c>), naming the
/// migrations and the backup (or that there was none). A new, empty database needs no backup.
/// </summary>
public static partial class MigrationBackup
{
    /// <summary>
    /// Migrates <paramref name="database"/>, backing it up first as described above. Returns the applied migrations.
    /// Throws <see cref="BackupFailedException"/> when the migration is refused.
    /// </summary>
    /// <param name="database">The database to migrate.</param>
    /// <param name="storage">Where the database is.</param>
    /// <param name="options">The backup settings.</param>
    /// <param name="skipBackup">True for <c>--no-backup</c>; <see cref="BackupOptions.BeforeMigrate"/> false has the same effect.</param>
    /// <param name="actor">The audit actor: <c>cli:&lt;user&gt;</c> or <c>system</c>.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static async Task<MigrationOutcome> MigrateAsync(WardenDatabase database, StorageOptions storage, BackupOptions options, bool skipBackup, string actor,
        TimeProvider time, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        logger ??= NullLogger.Instance;

        IReadOnlyList<string> applied = [];
        IReadOnlyList<string> pending = [];
        if (await ExistsAsync(database, storage, cancellationToken))
        {
            applied = await database.GetAppliedMigrationsAsync(cancellationToken);
            pending = await database.GetPendingMigrationsAsync(cancellationToken);
        }

        var upgrade = applied.Count > 0 && pending.Count > 0;
        BackupManifest? backup = null;
        string? location = null;
        var skipped = upgrade && (skipBackup || !options.BeforeMigrate);
        if (upgrade && skipped)
        {
            LogBackupSkipped(logger, applied[^1], pending[^1], skipBackup ? "--no-backup" : "Backup:BeforeMigrate=false");
        }
        else if (upgrade)
        {
            if (string.IsNullOrWhiteSpace(options.Location))
            {
                var message = $"Refusing to migrate the database from {applied[^1]} to {pending[^1]}: no backup location is configured. Set Backup:Location (--backup-location, WARDEN__Backup__Location) to a folder or s3://bucket/prefix, or skip the backup explicitly with --no-backup / Backup:BeforeMigrate=false. Nothing was changed.";
                LogMigrationRefused(logger, message);
                throw new BackupFailedException(message);
            }

            try
            {
                var store = BackupStoreFactory.Open(options.Location, options.S3);
                location = store.Location;
                LogBackingUp(logger, applied[^1], pending.Count, location);
                backup = await new BackupService(storage, options, time).CreateAsync(store, cancellationToken);
            }
            catch (Exception ex) when (ex is BackupFailedException or NotSupportedException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                var message = $"Refusing to migrate the database from {applied[^1]} to {pending[^1]}: the backup before migrating failed: {ex.Message} Fix the backup location (Backup:Location) or skip the backup explicitly with --no-backup / Backup:BeforeMigrate=false. Nothing was changed.";
                LogMigrationRefused(logger, message);
                throw new BackupFailedException(message, ex);
            }
        }

        var migrated = await database.MigrateAsync(cancellationToken);
        if (applied.Count > 0 && migrated.Count > 0)
        {
            var target = $"schema:{applied[^1]}->{migrated[^1]} " + (backup is not null
                ? $"backup:{backup.BackupId}@{location}"
                : skipped ? "backup:skipped" : "backup:none");
            var factory = new WardenDbContextFactory(storage);
            await AuditChain.AppendStandaloneAsync(factory,
                new AuditRecord(actor, [], null, "database.migrate", target, AuditOutcome.Allowed, 0, null, null), time.GetUtcNow(), cancellationToken);
        }

        return new MigrationOutcome(applied.Count > 0 ? applied[^1] : null, migrated, backup, location, skipped);
    }

    private static async Task<bool> ExistsAsync(WardenDatabase database, StorageOptions storage, CancellationToken cancellationToken)
    {
        if (storage.Kind == DatabaseKind.Sqlite)
        {
            var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
            if (string.IsNullOrEmpty(path) || !File.Exists(Path.GetFullPath(path)))
            {
                return false;
            }
        }

        try
        {
            return await database.CanConnectAsync(cancellationToken);
        }
        catch (Npgsql.NpgsqlException)
        {
            // MigrateAsync reports an unreachable server; a database that does not exist yet is created there.
            return false;
        }
    }

    /// <summary>The audit actor for the local operator running the CLI: <c>cli:&lt;os user&gt;</c>.</summary>
    public static string CliActor => "cli:" + Environment.UserName;

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.BackupBeforeMigrate, Level = LogLevel.Information, Message = "Schema at {Current} has {Pending} pending migration(s): backing up to {Location} before migrating")]
    private static partial void LogBackingUp(ILogger logger, string current, int pending, string location);

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.BackupBeforeMigrateSkipped, Level = LogLevel.Warning, Message = "Migrating from {Current} to {Target} WITHOUT a backup ({Reason}); the migration is audited")]
    private static partial void LogBackupSkipped(ILogger logger, string current, string target, string reason);

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.MigrationRefused, Level = LogLevel.Error, Message = "{Message}")]
    private static partial void LogMigrationRefused(ILogger logger, string message);
}

/// <summary>What <see cref="MigrationBackup.MigrateAsync"/> did.</summary>
/// <param name="PreviousMigration">The schema version before (null for a new database).</param>
/// <param name="Applied">The migrations applied.</param>
/// <param name="Backup">The backup taken first, if any.</param>
/// <param name="Location">Where the backup went, if any.</param>
/// <param name="BackupSkipped">True when a backup was due but explicitly skipped.</param>
public sealed record MigrationOutcome(string? PreviousMigration, IReadOnlyList<string> Applied, BackupManifest? Backup, string? Location, bool BackupSkipped);
