using Npgsql;

namespace Warden.Storage.Postgres;

/// <summary>
/// A session-level PostgreSQL advisory lock held on its own, unpooled connection. The lock lives exactly as long as
/// that session: <see cref="DisposeAsync"/> releases it, and if the process dies the server drops the session and
/// the lock with it, so a crashed holder never blocks the others for good. Keys come from <see cref="AdvisoryLockKeys"/>.
/// Advisory locks are per database: holders must connect to the same database.
/// </summary>
public sealed class PostgresAdvisoryLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private bool _released;

    private PostgresAdvisoryLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        Key = key;
    }

    /// <summary>The lock key.</summary>
    public long Key { get; }

    /// <summary>Takes the lock if no other session holds it; returns null at once otherwise.</summary>
    public static async Task<PostgresAdvisoryLock?> TryAcquireAsync(string connectionString, long key, CancellationToken cancellationToken = default)
    {
        var connection = await OpenDedicatedConnectionAsync(connectionString, cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new PostgresAdvisoryLock(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Takes the lock, waiting (without a timeout) until the holder releases it or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<PostgresAdvisoryLock> AcquireAsync(string connectionString, long key, CancellationToken cancellationToken = default)
    {
        var connection = await OpenDedicatedConnectionAsync(connectionString, cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
            // The wait is bounded by the caller's token, not by a command timeout: a migration may take minutes.
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new PostgresAdvisoryLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// True while this session still holds the lock. False once released or when the connection is gone (a leader
    /// must then stop its work: another replica may already hold the lock).
    /// </summary>
    public async Task<bool> IsHeldAsync(CancellationToken cancellationToken = default)
    {
        if (_released)
        {
            return false;
        }

        try
        {
            // A bigint key is stored as classid (high 32 bits) and objid (low 32 bits) with objsubid 1.
            await using var command = new NpgsqlCommand(
                """
                SELECT EXISTS (
                    SELECT 1 FROM pg_locks
                    WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() AND objsubid = 1
                      AND ((classid::bigint << 32) | objid::bigint) = $1)
                """,
                _connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Key });
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>Releases the lock and closes the session.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Key });
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The session is broken; closing it (below) is what releases the lock then.
        }
        catch (InvalidOperationException)
        {
            // The connection is already closed, which released the lock.
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }

    private static async Task<NpgsqlConnection> OpenDedicatedConnectionAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Unpooled: the lock must die with this physical session, never linger in a pooled connection.
            Pooling = false,
            // Notice a dead server/peer on a long-held (leader) lock.
            KeepAlive = 30,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
