using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Warden.Storage.Postgres;
using Warden.Storage.Sqlite;

namespace Warden.Storage;

/// <summary>
/// Schema management for the host and the <c>warden migrate</c> command: what is applied, what is pending, and a
/// guarded migrate. On PostgreSQL, <see cref="MigrateAsync"/> runs under the <see cref="AdvisoryLockKeys.Migrations"/>
/// advisory lock, so replicas starting together migrate once: the others wait, then find nothing pending.
/// </summary>
public sealed class WardenDatabase
{
    private readonly WardenDbContextFactory _contextFactory;
    private readonly ILogger _logger;

    /// <summary>Creates the service over a context factory.</summary>
    public WardenDatabase(WardenDbContextFactory contextFactory, ILogger<WardenDatabase>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(contextFactory);
        _contextFactory = contextFactory;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The database engine.</summary>
    public DatabaseKind Kind => _contextFactory.Options.Kind;

    /// <summary>True when the database exists and accepts connections.</summary>
    public async Task<bool> CanConnectAsync(CancellationToken cancellationToken = default)
    {
        await using var context = _contextFactory.CreateDbContext();
        return await context.Database.CanConnectAsync(cancellationToken);
    }

    /// <summary>Every migration this build knows, oldest first.</summary>
    public IReadOnlyList<string> GetAllMigrations()
    {
        using var context = _contextFactory.CreateDbContext();
        return [.. context.Database.GetMigrations()];
    }

    /// <summary>Migrations recorded as applied in the database, oldest first.</summary>
    public async Task<IReadOnlyList<string>> GetAppliedMigrationsAsync(CancellationToken cancellationToken = default)
    {
        await using var context = _contextFactory.CreateDbContext();
        return [.. await context.Database.GetAppliedMigrationsAsync(cancellationToken)];
    }

    /// <summary>Migrations this build would apply, oldest first (all of them for an empty database).</summary>
    public async Task<IReadOnlyList<string>> GetPendingMigrationsAsync(CancellationToken cancellationToken = default)
    {
        await using var context = _contextFactory.CreateDbContext();
        return [.. await context.Database.GetPendingMigrationsAsync(cancellationToken)];
    }

    /// <summary>The latest applied migration (the schema version), or null for an empty database.</summary>
    public async Task<string?> GetCurrentMigrationAsync(CancellationToken cancellationToken = default)
    {
        var applied = await GetAppliedMigrationsAsync(cancellationToken);
        return applied.Count > 0 ? applied[^1] : null;
    }

    /// <summary>
    /// Applies pending migrations, creating the database (PostgreSQL) or file (SQLite) if needed, and returns the
    /// migrations this call applied — empty when the schema was already current, e.g. because another replica
    /// migrated while this one waited for the lock.
    /// </summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (Kind == DatabaseKind.Postgres)
        {
            // Advisory locks are per database, so the database must exist before the lock can be taken.
            await EnsurePostgresDatabaseExistsAsync(cancellationToken);
            await using var migrationLock = await AcquireMigrationLockAsync(cancellationToken);
            return await ApplyPendingMigrationsAsync(cancellationToken);
        }

        // SQLite is single-node: only processes on this machine can open the file, and an OS file lock next to it
        // serializes them (see SqliteMigrationFileLock).
        var databasePath = GetSqliteDatabasePath();
        if (databasePath is null)
        {
            return await ApplyPendingMigrationsAsync(cancellationToken);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        using var fileLock = await SqliteMigrationFileLock.AcquireAsync(
            SqliteMigrationFileLock.LockPathFor(databasePath),
            () => StorageLog.WaitingForMigrationLock(_logger),
            cancellationToken);
        await ClearOrphanedEfMigrationLockAsync(cancellationToken);
        var applied = await ApplyPendingMigrationsAsync(cancellationToken);
        await EnableSqliteWriteAheadLogAsync(cancellationToken);
        return applied;
    }

    private async Task<PostgresAdvisoryLock> AcquireMigrationLockAsync(CancellationToken cancellationToken)
    {
        var connectionString = _contextFactory.Options.ConnectionString;
        var acquired = await PostgresAdvisoryLock.TryAcquireAsync(connectionString, AdvisoryLockKeys.Migrations, cancellationToken);
        if (acquired is not null)
        {
            return acquired;
        }

        StorageLog.WaitingForMigrationLock(_logger);
        return await PostgresAdvisoryLock.AcquireAsync(connectionString, AdvisoryLockKeys.Migrations, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> ApplyPendingMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var context = _contextFactory.CreateDbContext();
        List<string> pending = [.. await context.Database.GetPendingMigrationsAsync(cancellationToken)];
        if (pending.Count == 0)
        {
            var current = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault();
            StorageLog.SchemaUpToDate(_logger, current);
            return [];
        }

        StorageLog.ApplyingMigrations(_logger, pending.Count, pending);

        await context.Database.MigrateAsync(cancellationToken);
        StorageLog.AppliedMigrations(_logger, pending.Count, pending[^1]);
        return pending;
    }

    private async Task EnsurePostgresDatabaseExistsAsync(CancellationToken cancellationToken)
    {
        await using var context = _contextFactory.CreateDbContext();
        var creator = context.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken))
        {
            return;
        }

        StorageLog.CreatingDatabase(_logger);
        try
        {
            await creator.CreateAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another replica created it first.
        }
    }

    /// <summary>Full path of the SQLite database file; null for in-memory or URI data sources.</summary>
    private string? GetSqliteDatabasePath()
    {
        var dataSource = new SqliteConnectionStringBuilder(_contextFactory.Options.ConnectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            return null;
        }

        return Path.GetFullPath(dataSource);
    }

    /// <summary>
    /// EF Core's SQLite migration lock is a row in <c>__EFMigrationsLock</c> that a killed migrator leaves behind,
    /// after which every Migrate waits forever. Every Warden migrator holds the file lock first, so a row seen while
    /// holding it belongs to a dead process and is removed.
    /// </summary>
    private async Task ClearOrphanedEfMigrationLockAsync(CancellationToken cancellationToken)
    {
        await using var context = _contextFactory.CreateDbContext();
        var tableExists = await context.Database
            .SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'")
            .SingleAsync(cancellationToken);
        if (tableExists == 0)
        {
            return;
        }

        var removed = await context.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsLock\"", cancellationToken);
        if (removed > 0)
        {
            StorageLog.RemovedOrphanedMigrationLock(_logger);
        }
    }

    private async Task EnableSqliteWriteAheadLogAsync(CancellationToken cancellationToken)
    {
        // Persistent per file: readers (console, snapshot builds) no longer block the ledger writer and vice versa.
        await using var context = _contextFactory.CreateDbContext();
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }
}
