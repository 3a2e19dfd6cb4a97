using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;

namespace Warden.Storage.Tests.Fixtures;

/// <summary>A temporary SQLite database file, deleted on dispose.</summary>
public sealed class SqliteStorageFixture : StorageFixture
{
    // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_FOREIGNKEY.
    private const int ConstraintUnique = 2067;
    private const int ConstraintPrimaryKey = 1555;
    private const int ConstraintForeignKey = 787;

    private string _directory = "";

    public string DatabasePath => Path.Combine(_directory, "warden.db");

    public override Task DisposeAsync()
    {
        DeleteDirectory(_directory);
        return Task.CompletedTask;
    }

    public override Task<ScratchDatabase> CreateScratchDatabaseAsync()
    {
        var directory = NewTempDirectory();
        var options = StorageOptions.ForSqliteFile(Path.Combine(directory, "scratch.db"));
        return Task.FromResult(new ScratchDatabase(options, () =>
        {
            DeleteDirectory(directory);
            return Task.CompletedTask;
        }));
    }

    protected override Task<StorageOptions> CreateEmptyDatabaseAsync()
    {
        _directory = NewTempDirectory();
        return Task.FromResult(StorageOptions.ForSqliteFile(DatabasePath));
    }

    public override void AssertUniqueViolation(DbUpdateException exception)
    {
        var sqlite = Assert.IsType<SqliteException>(exception.InnerException);
        Assert.Contains(sqlite.SqliteExtendedErrorCode, new[] { ConstraintUnique, ConstraintPrimaryKey });
    }

    public override void AssertForeignKeyViolation(DbUpdateException exception)
    {
        var sqlite = Assert.IsType<SqliteException>(exception.InnerException);
        Assert.Equal(ConstraintForeignKey, sqlite.SqliteExtendedErrorCode);
    }

    /// <summary>A new empty directory under the temp folder.</summary>
    public static string NewTempDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "warden-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static void DeleteDirectory(string directory)
    {
        // Pooled connections keep the file open.
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
