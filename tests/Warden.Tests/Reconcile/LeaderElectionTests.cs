using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Warden.ControlPlane.Reconcile.Jobs;
using Warden.Storage;
using Warden.Testing;
using Xunit.Abstractions;

namespace Warden.Tests.Reconcile;

/// <summary>
/// Two <c>warden control-plane</c> replicas on one PostgreSQL database: migrations are applied once, a leader-only
/// background job runs on exactly one replica, and when that replica dies the other takes over.
/// </summary>
public sealed class LeaderElectionTests : IClassFixture<PostgresDatabase>
{
    private const string InternalToken = "leader-test-internal-token-0123456789abcdef";
    private const string JobRan = "Background job leader-heartbeat ran";
    private readonly PostgresDatabase _database;
    private readonly ITestOutputHelper _output;

    public LeaderElectionTests(PostgresDatabase database, ITestOutputHelper output)
    {
        _database = database;
        _output = output;
    }

    [Fact]
    public async Task TwoReplicas_MigrateOnce_RunJobsOnOne_AndFailOver()
    {
        var urls = new[] { FreePort.NextUrl(), FreePort.NextUrl() };
        var replicas = urls.Select(url => WardenProcess.Start(
            ["control-plane", "--url", url.ToString(), "--connection-string", _database.ConnectionString],
            new Dictionary<string, string?>
            {
                ["WARDEN__ControlPlane__InternalToken"] = InternalToken,
                // Each run is logged at Debug (the heartbeat runs every 5 s); the test counts those lines.
                ["WARDEN__Logging__LogLevel__Warden.ControlPlane.Reconcile.Jobs"] = "Debug",
            })).ToList();
        try
        {
            foreach (var (replica, url) in replicas.Zip(urls))
            {
                await replica.WaitForHttpOkAsync(new Uri(url, "/readyz"), TimeSpan.FromSeconds(90));
            }

            // Migrations: one replica applied them, the other found the schema current (it waited on the lock).
            Assert.Single(replicas, r => r.Output.Contains("database migration(s)", StringComparison.Ordinal));
            Assert.Single(replicas, r => r.Output.Contains("Database schema is up to date", StringComparison.Ordinal));
            var storage = StorageOptions.ForPostgres(_database.ConnectionString);
            await using (var db = new WardenDbContextFactory(storage).CreateDbContext())
            {
                Assert.Equal(db.Database.GetMigrations().Count(), (await db.Database.GetAppliedMigrationsAsync()).Count());
            }

            // Jobs: exactly one replica runs them, for several intervals.
            var leader = await WaitForAsync(() => replicas.SingleOrDefault(r => Runs(r) >= 2), TimeSpan.FromSeconds(30), "a leader running the job twice");
            var follower = replicas.Single(r => r != leader);
            Assert.Equal(0, Runs(follower));
            Assert.Equal(ReplicaName(leader), await LeaderInDatabaseAsync());

            // The leader dies: its session (and lock) goes with it; the follower takes over.
            leader.Kill();
            await WaitForAsync(() => Runs(follower) >= 1 ? follower : null, TimeSpan.FromSeconds(30), "the follower taking over");
            await WaitForAsync(async () => await LeaderInDatabaseAsync() == ReplicaName(follower) ? follower : null, TimeSpan.FromSeconds(15), "the follower's heartbeat row");
            _output.WriteLine($"Leader {ReplicaName(leader)} ran the job {Runs(leader)} times before it was killed; {ReplicaName(follower)} took over.");
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    private static int Runs(WardenProcess process) =>
        process.Output.Split('\n').Count(line => line.Contains(JobRan, StringComparison.Ordinal));

    private static string ReplicaName(WardenProcess process) => Environment.MachineName + ":" + process.Id.ToString(CultureInfo.InvariantCulture);

    private async Task<string?> LeaderInDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT value FROM platform_settings WHERE key = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LeaderHeartbeatJob.SettingKey });
        return await command.ExecuteScalarAsync() is string json
            ? System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("replica").GetString()
            : null;
    }

    private static Task<T> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout, string what)
        where T : class => WaitForAsync(() => Task.FromResult(probe()), timeout, what);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("Timed out waiting for " + what + ".");
    }
}
