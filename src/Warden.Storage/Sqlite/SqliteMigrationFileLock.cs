namespace Warden.Storage.Sqlite;

/// <summary>
/// Serializes migrators of one SQLite database file across processes with an exclusive OS lock on a sidecar file
/// (<c>&lt;database&gt;.migrate-lock</c>). The OS drops the lock when the holder exits or is killed, so unlike EF
/// Core's own SQLite lock (a row in <c>__EFMigrationsLock</c>) it can never be orphaned.
/// </summary>
internal sealed class SqliteMigrationFileLock : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly FileStream _stream;

    private SqliteMigrationFileLock(FileStream stream)
    {
        _stream = stream;
    }

    /// <summary>The sidecar lock file of the database at <paramref name="databasePath"/>.</summary>
    public static string LockPathFor(string databasePath) => Path.GetFullPath(databasePath) + ".migrate-lock";

    /// <summary>Takes the lock if free; null while another migrator holds it.</summary>
    public static SqliteMigrationFileLock? TryAcquire(string lockPath)
    {
        try
        {
            // FileShare.None is enforced between processes with flock(2) on Unix and share modes on Windows.
            return new SqliteMigrationFileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Takes the lock, polling until it is free or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<SqliteMigrationFileLock> AcquireAsync(string lockPath, Action onWait, CancellationToken cancellationToken)
    {
        var waited = false;
        while (true)
        {
            if (TryAcquire(lockPath) is { } acquired)
            {
                return acquired;
            }

            if (!waited)
            {
                onWait();
                waited = true;
            }

            await Task.Delay(RetryDelay, cancellationToken);
        }
    }

    public void Dispose() => _stream.Dispose();
}
