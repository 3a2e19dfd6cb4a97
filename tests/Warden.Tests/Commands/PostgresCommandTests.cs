using Npgsql;
using Warden.Testing;

namespace Warden.Tests.Commands;

/// <summary><c>warden migrate</c> and <c>warden control-plane</c> against the suite's real PostgreSQL server.</summary>
public sealed class PostgresCommandTests : IClassFixture<PostgresDatabase>
{
    private const string InternalToken = "0123456789abcdef0123456789abcdef-test";
    private readonly PostgresDatabase _database;

    public PostgresCommandTests(PostgresDatabase database)
    {
        _database = database;
    }

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesOnce_ThenReportsUpToDate()
    {
        var connectionString = await NewDatabaseAsync();

        var first = await WardenProcess.RunAsync(["migrate", "--connection-string", connectionString]);
        var second = await WardenProcess.RunAsync(["migrate", "--connection-string", connectionString]);
        var list = await WardenProcess.RunAsync(["migrate", "--connection-string", connectionString, "--list"]);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("Applied", first.Output, StringComparison.Ordinal);
        Assert.Contains("InitialSchema", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("up to date", second.Output, StringComparison.Ordinal);
        Assert.Contains("Pending: none", list.Output, StringComparison.Ordinal);
        Assert.Equal(await CountAppliedMigrationsAsync(connectionString), await CountDistinctAppliedMigrationsAsync(connectionString));
    }

    [Fact]
    public async Task ControlPlane_TwoReplicasStartingTogether_MigrateOnceAndBothBecomeReady()
    {
        var connectionString = await NewDatabaseAsync();
        var environment = new Dictionary<string, string?> { ["WARDEN__ControlPlane__InternalToken"] = InternalToken };
        var url1 = FreePort.NextUrl();
        var url2 = FreePort.NextUrl();

        await using var replica1 = WardenProcess.Start(["control-plane", "--url", url1.ToString(), "--connection-string", connectionString], environment);
        await using var replica2 = WardenProcess.Start(["control-plane", "--url", url2.ToString(), "--connection-string", connectionString], environment);
        await Task.WhenAll(
            replica1.WaitForHttpOkAsync(new Uri(url1, "/readyz"), TimeSpan.FromSeconds(60)),
            replica2.WaitForHttpOkAsync(new Uri(url2, "/readyz"), TimeSpan.FromSeconds(60)));

        var applied = await CountAppliedMigrationsAsync(connectionString);
        Assert.True(applied > 0);
        Assert.Equal(applied, await CountDistinctAppliedMigrationsAsync(connectionString));
        // Exactly one replica reports having applied migrations; the other found the schema up to date.
        var appliedLogs = new[] { replica1.Output, replica2.Output }.Count(o => o.Contains("Applied", StringComparison.Ordinal));
        Assert.Equal(1, appliedLogs);
        Assert.Equal(0, await replica1.StopAsync());
        Assert.Equal(0, await replica2.StopAsync());
    }

    [Fact]
    public async Task ControlPlane_UnreachableDatabase_StaysNotReadyThenExitsNonZero()
    {
        var deadPort = FreePort.Next();
        var url = FreePort.NextUrl();
        await using var controlPlane = WardenProcess.Start(
            ["control-plane", "--url", url.ToString(), "--connection-string", $"Host=127.0.0.1;Port={deadPort};Username=postgres;Database=none;Timeout=2"],
            new Dictionary<string, string?> { ["WARDEN__ControlPlane__InternalToken"] = InternalToken });

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!controlPlane.HasExited)
        {
            await Task.Delay(100, cts.Token);
        }

        Assert.Equal(1, controlPlane.ExitCode);
        Assert.Contains("start-up failed", controlPlane.Output, StringComparison.Ordinal);
    }

    private async Task<string> NewDatabaseAsync()
    {
        var name = "warden_cmd_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(_database.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Database = name, Pooling = false }.ConnectionString;
    }

    private static async Task<long> CountAppliedMigrationsAsync(string connectionString) =>
        await ScalarAsync(connectionString, "SELECT count(*) FROM \"__EFMigrationsHistory\"");

    private static async Task<long> CountDistinctAppliedMigrationsAsync(string connectionString) =>
        await ScalarAsync(connectionString, "SELECT count(DISTINCT \"MigrationId\") FROM \"__EFMigrationsHistory\"");

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
