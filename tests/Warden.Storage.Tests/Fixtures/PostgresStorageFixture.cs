using Microsoft.EntityFrameworkCore;
using Npgsql;
using Warden.Storage;
using Warden.Testing;

namespace Warden.Storage.Tests.Fixtures;

/// <summary>A fresh database on the suite's PostgreSQL server (<c>WARDEN_TEST_POSTGRES</c>).</summary>
public sealed class PostgresStorageFixture : StorageFixture
{
    private readonly PostgresDatabase _database = new();

    public override Task DisposeAsync() => _database.DisposeAsync();

    public override async Task<ScratchDatabase> CreateScratchDatabaseAsync()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        return new ScratchDatabase(StorageOptions.ForPostgres(database.ConnectionString), database.DisposeAsync);
    }

    protected override async Task<StorageOptions> CreateEmptyDatabaseAsync()
    {
        await _database.InitializeAsync();
        return StorageOptions.ForPostgres(_database.ConnectionString);
    }

    public override void AssertUniqueViolation(DbUpdateException exception)
    {
        var postgres = Assert.IsType<PostgresException>(exception.InnerException);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, postgres.SqlState);
    }

    public override void AssertForeignKeyViolation(DbUpdateException exception)
    {
        var postgres = Assert.IsType<PostgresException>(exception.InnerException);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, postgres.SqlState);
    }
}
