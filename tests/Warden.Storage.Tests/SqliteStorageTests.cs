using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Sqlite;
using Warden.Storage.Tests.Fixtures;

namespace Warden.Storage.Tests;

/// <summary>The shared storage behaviour against a SQLite file, plus what only SQLite does.</summary>
public sealed class SqliteStorageTests(SqliteStorageFixture fixture) : StorageTests(fixture), IClassFixture<SqliteStorageFixture>
{
    [Fact]
    public async Task MigrateAsync_FileInMissingDirectory_CreatesDirectoryAndDatabase()
    {
        var directory = SqliteStorageFixture.NewTempDirectory();
        var path = Path.Combine(directory, "nested", "warden-data", "warden.db");
        var database = new WardenDatabase(new WardenDbContextFactory(StorageOptions.ForSqliteFile(path)));

        var applied = await database.MigrateAsync();

        Assert.True(File.Exists(path));
        Assert.Equal(database.GetAllMigrations(), applied);
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task MigrateAsync_Sqlite_SwitchesToWriteAheadLog()
    {
        await using var context = Fixture.NewContext();

        var mode = await context.Database.SqlQueryRaw<string>("SELECT journal_mode AS \"Value\" FROM pragma_journal_mode").SingleAsync();

        Assert.Equal("wal", mode);
    }

    [Fact]
    public async Task SaveChanges_TimesAndMoney_StoredAsIntegers()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.UsageRecord);
        await using var context = Fixture.NewContext();

        var stored = await context.Database
            .SqlQuery<string>($"SELECT typeof(occurred_at) || ',' || occurred_at || ',' || typeof(cost_usd) || ',' || cost_usd AS \"Value\" FROM usage_records WHERE request_id = {graph.UsageRecord.RequestId}")
            .SingleAsync();

        // Unix microseconds and nano-USD.
        var micros = (graph.UsageRecord.OccurredAt - DateTimeOffset.UnixEpoch).Ticks / 10;
        Assert.Equal($"integer,{micros},integer,123456789", stored);
    }

    [Fact]
    public async Task MigrateAsync_OrphanedEfMigrationLockRow_IsClearedAndMigrates()
    {
        await using var scratch = await Fixture.CreateScratchDatabaseAsync();
        // What EF Core leaves behind when a migrator is killed while holding its SQLite lock.
        await using (var connection = new SqliteConnection(scratch.Options.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
                INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-01-01 00:00:00+00:00');
                """;
            await command.ExecuteNonQueryAsync();
        }

        var database = scratch.NewWardenDatabase();

        var applied = await database.MigrateAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(database.GetAllMigrations(), applied);
    }

    [Fact]
    public async Task MigrateAsync_WhileMigrationFileLockHeld_WaitsThenMigrates()
    {
        await using var scratch = await Fixture.CreateScratchDatabaseAsync();
        var database = scratch.NewWardenDatabase();
        var path = new SqliteConnectionStringBuilder(scratch.Options.ConnectionString).DataSource;
        Task<IReadOnlyList<string>> migrate;
        using (var held = SqliteMigrationFileLock.TryAcquire(SqliteMigrationFileLock.LockPathFor(path)))
        {
            Assert.NotNull(held);
            migrate = database.MigrateAsync();
            var finishedFirst = await Task.WhenAny(migrate, Task.Delay(TimeSpan.FromSeconds(1)));

            Assert.NotSame(migrate, finishedFirst);
            Assert.Null(SqliteMigrationFileLock.TryAcquire(SqliteMigrationFileLock.LockPathFor(path)));
        }

        var applied = await migrate.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(database.GetAllMigrations(), applied);
    }
}
