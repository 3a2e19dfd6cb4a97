using Microsoft.EntityFrameworkCore;
using Warden.Storage;

namespace Warden.Storage.Tests.Fixtures;

/// <summary>
/// One empty database per test class, migrated once by <see cref="InitializeAsync"/> through the public
/// <see cref="WardenDatabase"/> API. What the migration reported is kept for the migration tests.
/// </summary>
public abstract class StorageFixture : IAsyncLifetime
{
    public StorageOptions Options { get; private set; } = null!;

    public WardenDbContextFactory Factory { get; private set; } = null!;

    public WardenDatabase Database { get; private set; } = null!;

    public IReadOnlyList<string> PendingBeforeMigrate { get; private set; } = [];

    public string? CurrentBeforeMigrate { get; private set; }

    public IReadOnlyList<string> AppliedByMigrate { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Options = await CreateEmptyDatabaseAsync();
        Factory = new WardenDbContextFactory(Options);
        Database = new WardenDatabase(Factory);
        PendingBeforeMigrate = await Database.GetPendingMigrationsAsync();
        CurrentBeforeMigrate = await Database.GetCurrentMigrationAsync();
        AppliedByMigrate = await Database.MigrateAsync();
    }

    public abstract Task DisposeAsync();

    public WardenDbContext NewContext() => Factory.CreateDbContext();

    /// <summary>Creates an empty database of this kind that the caller disposes (for tests that need a fresh one).</summary>
    public abstract Task<ScratchDatabase> CreateScratchDatabaseAsync();

    protected abstract Task<StorageOptions> CreateEmptyDatabaseAsync();

    /// <summary>Asserts the exception is a unique-constraint violation reported by this database.</summary>
    public abstract void AssertUniqueViolation(DbUpdateException exception);

    /// <summary>Asserts the exception is a foreign-key violation reported by this database.</summary>
    public abstract void AssertForeignKeyViolation(DbUpdateException exception);
}
