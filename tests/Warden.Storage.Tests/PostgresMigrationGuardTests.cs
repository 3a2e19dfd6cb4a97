using Npgsql;
using Warden.Storage.Postgres;
using Warden.Testing;

namespace Warden.Storage.Tests;

/// <summary>
/// The PostgreSQL migration guard and the advisory-lock helper, each test on its own fresh database (advisory
/// locks are per database, so tests cannot disturb each other).
/// </summary>
public sealed class PostgresMigrationGuardTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task MigrateAsync_FourReplicasConcurrentlyOnFreshDatabase_ApplyEachMigrationOnce()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        try
        {
            var options = StorageOptions.ForPostgres(database.ConnectionString);
            var replicas = Enumerable.Range(0, 4).Select(_ => new WardenDatabase(new WardenDbContextFactory(options))).ToList();
            var all = replicas[0].GetAllMigrations();

            var results = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.MigrateAsync())));

            // Exactly one replica applied everything; the others waited and found nothing pending.
            Assert.Single(results, applied => applied.Count > 0);
            Assert.Equal(all, results.Single(applied => applied.Count > 0));
            Assert.Equal(3, results.Count(applied => applied.Count == 0));
            var history = await QueryHistoryAsync(database.ConnectionString);
            Assert.Equal(all, history);
            Assert.Empty(await replicas[3].GetPendingMigrationsAsync());
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task MigrateAsync_WhileMigrationLockHeld_WaitsThenMigrates()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        try
        {
            var replica = new WardenDatabase(new WardenDbContextFactory(StorageOptions.ForPostgres(database.ConnectionString)));
            Task<IReadOnlyList<string>> migrate;
            await using (await PostgresAdvisoryLock.AcquireAsync(database.ConnectionString, AdvisoryLockKeys.Migrations))
            {
                migrate = replica.MigrateAsync();
                var finishedFirst = await Task.WhenAny(migrate, Task.Delay(TimeSpan.FromSeconds(1)));

                Assert.NotSame(migrate, finishedFirst);
                Assert.Equal(replica.GetAllMigrations(), await replica.GetPendingMigrationsAsync());
            }

            var applied = await migrate.WaitAsync(Patience);

            Assert.Equal(replica.GetAllMigrations(), applied);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task MigrateAsync_CancelledWhileWaitingForLock_ThrowsAndAppliesNothing()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        try
        {
            var replica = new WardenDatabase(new WardenDbContextFactory(StorageOptions.ForPostgres(database.ConnectionString)));
            await using var held = await PostgresAdvisoryLock.AcquireAsync(database.ConnectionString, AdvisoryLockKeys.Migrations);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => replica.MigrateAsync(cancellation.Token));

            Assert.Null(await replica.GetCurrentMigrationAsync());
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryAcquireAsync_WhileAnotherSessionHoldsLock_ReturnsNull()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        try
        {
            await using var holder = await PostgresAdvisoryLock.TryAcquireAsync(database.ConnectionString, AdvisoryLockKeys.BackgroundJobLeader);

            var contender = await PostgresAdvisoryLock.TryAcquireAsync(database.ConnectionString, AdvisoryLockKeys.BackgroundJobLeader);

            Assert.NotNull(holder);
            Assert.Null(contender);
            Assert.True(await holder.IsHeldAsync());
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryAcquireAsync_AfterHolderReleases_Succeeds()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        try
        {
            var holder = await PostgresAdvisoryLock.TryAcquireAsync(database.ConnectionString, AdvisoryLockKeys.BackgroundJobLeader);
            Assert.NotNull(holder);
            await holder.DisposeAsync();

            await using var next = await PostgresAdvisoryLock.TryAcquireAsync(database.ConnectionString, AdvisoryLockKeys.BackgroundJobLeader);

            Assert.NotNull(next);
            Assert.False(await holder.IsHeldAsync());
            Assert.True(await next.IsHeldAsync());
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryAcquireAsync_DifferentKeys_DoNotConflict()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        try
        {
            await using var migrations = await PostgresAdvisoryLock.TryAcquireAsync(database.ConnectionString, AdvisoryLockKeys.Migrations);
            await using var leader = await PostgresAdvisoryLock.TryAcquireAsync(database.ConnectionString, AdvisoryLockKeys.BackgroundJobLeader);

            Assert.NotNull(migrations);
            Assert.NotNull(leader);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task IsHeldAsync_HolderSessionTerminated_ReturnsFalseAndLockIsFree()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        try
        {
            await using var holder = await PostgresAdvisoryLock.TryAcquireAsync(database.ConnectionString, AdvisoryLockKeys.BackgroundJobLeader);
            Assert.NotNull(holder);

            // Simulates a crashed holder: the server ends its session. pg_locks spans the cluster, and other test
            // databases on it hold the same key: only this database's holder is terminated.
            await using (var admin = new NpgsqlConnection(database.ConnectionString))
            {
                await admin.OpenAsync();
                await using var kill = new NpgsqlCommand(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_locks
                    WHERE locktype = 'advisory' AND objid::bigint = $1 AND pid <> pg_backend_pid()
                      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """,
                    admin);
                kill.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AdvisoryLockKeys.BackgroundJobLeader & 0xFFFF_FFFF });
                await kill.ExecuteNonQueryAsync();
            }

            await using var successor = await WaitForLockAsync(database.ConnectionString, AdvisoryLockKeys.BackgroundJobLeader);

            Assert.False(await holder.IsHeldAsync());
            Assert.True(await successor.IsHeldAsync());
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private static async Task<PostgresAdvisoryLock> WaitForLockAsync(string connectionString, long key)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await PostgresAdvisoryLock.TryAcquireAsync(connectionString, key) is { } acquired)
            {
                return acquired;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The lock was not freed after its holder's session ended.");
    }

    private static async Task<List<string>> QueryHistoryAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\"", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
