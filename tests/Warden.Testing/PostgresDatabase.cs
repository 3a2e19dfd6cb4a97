using Npgsql;
using Xunit;

namespace Warden.Testing;

/// <summary>
/// A fresh, empty PostgreSQL database on the suite's server, dropped on dispose.
/// Use as an xunit class fixture so each test class gets its own database.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private readonly string _name = $"warden_test_{Guid.NewGuid():N}";

    /// <summary>Name of the database.</summary>
    public string Name => _name;

    /// <summary>Connection string of the database (valid after <see cref="InitializeAsync"/>).</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdminConnectionString)
        {
            Database = _name,
            // Tests open many short-lived contexts; keep pools small so parallel classes do not exhaust the server.
            MaxPoolSize = 20,
        }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
