using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Warden.ControlPlane;
using Warden.ControlPlane.Hosting;
using Warden.Storage;
using Warden.Testing;

namespace Warden.Tests.Usage;

/// <summary>
/// A real control plane (in this process, on a free port) over its own PostgreSQL database, with an ingest token.
/// Use as a class fixture.
/// </summary>
public sealed class IngestControlPlane : IAsyncLifetime
{
    public const string IngestToken = "ledger-test-ingest-token-0123456789abcdefghij";
    public const string InternalToken = "ledger-test-internal-token-0123456789abcdefgh";

    private readonly PostgresDatabase _database = new();
    private WebApplication? _app;

    public Uri Url { get; } = FreePort.NextUrl();

    public string ConnectionString => _database.ConnectionString;

    public string DatabaseName => _database.Name;

    public WardenDbContextFactory Contexts { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Contexts = new WardenDbContextFactory(StorageOptions.ForPostgres(_database.ConnectionString));
        var options = new ControlPlaneOptions { Url = Url.ToString().TrimEnd('/'), InternalToken = InternalToken, IngestToken = IngestToken };
        var builder = ControlPlaneApplication.CreateBuilder(options, StorageOptions.ForPostgres(_database.ConnectionString));
        builder.Logging.ClearProviders();
        _app = builder.Build().UseControlPlane();
        await _app.StartAsync();
        await _app.Services.GetRequiredService<ControlPlaneReadiness>().WhenReady.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Refuses (true) or allows new connections to the database, terminating the open ones when refusing.</summary>
    public async Task SetDatabaseDownAsync(bool down)
    {
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdminConnectionString);
        await admin.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{_database.Name}\" WITH ALLOW_CONNECTIONS {(down ? "false" : "true")}", admin))
        {
            await alter.ExecuteNonQueryAsync();
        }

        // Connections the termination broke must not be handed out again once the database is back.
        NpgsqlConnection.ClearAllPools();
        if (down)
        {
            await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_database.Name}' AND pid <> pg_backend_pid()", admin);
            await terminate.ExecuteNonQueryAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
    }
}
