namespace Warden.Storage;

/// <summary>Where the control-plane database is. Bound from configuration by the host.</summary>
public sealed class StorageOptions
{
    /// <summary>The database engine.</summary>
    public DatabaseKind Kind { get; set; } = DatabaseKind.Sqlite;

    /// <summary>
    /// An ADO.NET connection string for <see cref="Kind"/>: e.g. <c>Data Source=./warden-data/warden.db</c> or
    /// <c>Host=db;Database=warden;Username=warden;Password=…</c>.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Options for a SQLite database file at <paramref name="path"/>.</summary>
    public static StorageOptions ForSqliteFile(string path) =>
        new() { Kind = DatabaseKind.Sqlite, ConnectionString = $"Data Source={path}" };

    /// <summary>Options for a PostgreSQL connection string.</summary>
    public static StorageOptions ForPostgres(string connectionString) =>
        new() { Kind = DatabaseKind.Postgres, ConnectionString = connectionString };

    /// <summary>Throws <see cref="ArgumentException"/> when the options cannot work.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentException($"Storage kind '{Kind}' is not supported.", nameof(Kind));
        }

        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("A storage connection string is required.", nameof(ConnectionString));
        }
    }
}
