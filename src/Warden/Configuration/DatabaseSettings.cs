using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Warden.Storage;

namespace Warden.Configuration;

/// <summary>Reads the <c>Database</c> section (<c>Kind</c>, <c>ConnectionString</c>) into <see cref="StorageOptions"/>.</summary>
internal static class DatabaseSettings
{
    public const string KindKey = "Database:Kind";
    public const string ConnectionStringKey = "Database:ConnectionString";
    public const string DataDirKey = "DataDir";

    /// <summary>The embedded database file inside the data directory.</summary>
    public const string SqliteFileName = "warden.db";

    /// <summary>
    /// Reads the database settings. Without a connection string, SQLite uses <c>DATA-DIR/warden.db</c>; PostgreSQL
    /// needs one. Problems are added to <paramref name="reader"/>, never echoing the connection string (it may hold a password).
    /// </summary>
    public static StorageOptions Read(IConfiguration configuration, OptionsReader reader, DatabaseKind defaultKind)
    {
        var kindText = configuration[KindKey];
        var kind = defaultKind;
        if (!string.IsNullOrWhiteSpace(kindText))
        {
            switch (kindText.Trim().ToLowerInvariant())
            {
                case "sqlite":
                    kind = DatabaseKind.Sqlite;
                    break;
                case "postgres":
                case "postgresql":
                    kind = DatabaseKind.Postgres;
                    break;
                default:
                    reader.AddError($"{KindKey} = '{kindText}' is not supported; use 'postgres' or 'sqlite'.");
                    break;
            }
        }

        var connectionString = configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (kind == DatabaseKind.Postgres)
            {
                reader.AddError($"{ConnectionStringKey} is required for PostgreSQL (e.g. 'Host=db;Database=warden;Username=warden;Password=…'); set it with --connection-string or WARDEN__Database__ConnectionString.");
                return new StorageOptions { Kind = kind, ConnectionString = "" };
            }

            var dataDir = Path.GetFullPath(configuration[DataDirKey] ?? "warden-data");
            connectionString = $"Data Source={Path.Combine(dataDir, SqliteFileName)}";
        }
        else
        {
            try
            {
                _ = new DbConnectionStringBuilder { ConnectionString = connectionString };
            }
            catch (ArgumentException)
            {
                reader.AddError($"{ConnectionStringKey} is not a valid connection string (expected 'Key=Value;Key=Value').");
            }
        }

        return new StorageOptions { Kind = kind, ConnectionString = connectionString };
    }
}
