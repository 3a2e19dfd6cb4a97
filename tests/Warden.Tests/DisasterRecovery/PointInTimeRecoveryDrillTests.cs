using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Warden.Testing;
using Warden.Tests.Reconcile;
using Xunit.Abstractions;

namespace Warden.Tests.DisasterRecovery;

/// <summary>
/// The DR drill through point-in-time recovery, as CloudNativePG does it (base backup + WAL archive, recovery to a
/// target time), on a private PostgreSQL cluster: WAL archived to a folder, <c>pg_basebackup -X stream</c>, changes,
/// a target time between them, a new cluster recovered from the base backup and the archive up to that time and
/// promoted. The control plane is restarted on it (same URL, same database address) while both gateways keep running;
/// they converge to the recovered state without a restart.
/// </summary>
public sealed class PointInTimeRecoveryDrillTests
{
    private readonly ITestOutputHelper _output;

    public PointInTimeRecoveryDrillTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task RecoverToATimeBetweenChanges_ControlPlaneRestartedOnTheRecoveredCluster_GatewaysConvergeWithoutRestart()
    {
        var total = Stopwatch.StartNew();
        var archive = await PostgresCluster.CreateServerFolderAsync("wal-archive");
        PostgresCluster? recovered = null;
        var primary = await PostgresCluster.StartNewAsync(archive);
        try
        {
            await CreateDatabaseAsync(primary, "warden");
            await using var cluster = await DrillCluster.StartAsync(primary.ConnectionString("warden"));
            var baseBackup = await primary.BaseBackupAsync();
            await cluster.StartGatewaysAsync();
            var world = new DrillWorld(cluster);
            await world.BuildBeforeBackupAsync();

            // The recovery target: after everything above committed, before anything below.
            await Task.Delay(1000);
            var target = await ServerNowAsync(primary);
            await Task.Delay(1000);

            await world.ChangeAfterBackupAsync();
            await primary.SwitchAndArchiveWalAsync();

            // Disaster: the database is lost. The control plane goes down with it; the gateways keep serving.
            cluster.ControlPlane.Kill();
            var port = primary.Port;
            await primary.StopAsync();
            var recovery = Stopwatch.StartNew();
            recovered = await PostgresCluster.RecoverAsync(baseBackup, archive, target, port);
            var recoveryMs = recovery.Elapsed.TotalMilliseconds;

            var restart = Stopwatch.GetTimestamp();
            await cluster.StartControlPlaneAsync(recovered.ConnectionString("warden"));
            var controlPlaneReadyMs = Stopwatch.GetElapsedTime(restart).TotalMilliseconds;
            var ready = Stopwatch.GetTimestamp();
            var converged = await cluster.WaitForConvergenceAsync(world.RestoredExpectations, ready, TimeSpan.FromSeconds(10));
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"recovery {recoveryMs:F0} ms, control plane ready {controlPlaneReadyMs:F0} ms after its start; gateways converged {converged[0]:F0} / {converged[1]:F0} ms after it was ready; whole drill {total.Elapsed.TotalSeconds:F1} s"));

            // The timeline changed, so the counter epoch did: both gateways start fresh counters and re-seed.
            var (_, to0) = await DrillCluster.WaitForEpochChangeAsync(cluster.Gateways[0].Process);
            var (_, to1) = await DrillCluster.WaitForEpochChangeAsync(cluster.Gateways[1].Process);
            Assert.Equal(to0, to1);
            await using (var connection = new NpgsqlConnection(recovered.ConnectionString("warden")))
            {
                await connection.OpenAsync();
                await using var timeline = new NpgsqlCommand("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)", connection);
                Assert.NotEqual("00000001", (string)(await timeline.ExecuteScalarAsync())!);
            }

            await cluster.WaitForLedgerRowsAsync(DrillWorld.RowsAtBackup);
            await world.AssertSpendMatchesRestoredLedgerAsync();
            Assert.Equal((9_000_000L, 0L), (await cluster.BudgetCountersAsync(world.C2))[to0]);

            await cluster.Admin.CreateConsumerAsync(world.OrgB, "ops", "after-recovery");
            var (exitCode, verifyOutput) = await cluster.VerifyAuditAsync();
            Assert.True(exitCode == 0, "warden audit verify failed:\n" + verifyOutput);

            var path = Percentiles.WriteResult("pitr.json", JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["scenario"] = "pg_basebackup -X stream + WAL archive; recovery_target_time between the changes; promote; control plane restarted on the recovered cluster (same URL and port); two gateways keep running",
                ["recoveryMs"] = recoveryMs,
                ["controlPlaneReadyMs"] = controlPlaneReadyMs,
                ["gateway0ConvergedAfterReadyMs"] = converged[0],
                ["gateway1ConvergedAfterReadyMs"] = converged[1],
                ["wholeDrillSeconds"] = total.Elapsed.TotalSeconds,
            }));
            _output.WriteLine("Written to " + path);
        }
        catch
        {
            _output.WriteLine("primary log:\n" + primary.Log());
            if (recovered is not null)
            {
                _output.WriteLine("recovered log:\n" + recovered.Log());
            }

            throw;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (recovered is not null)
            {
                await recovered.DisposeAsync();
            }

            await primary.DisposeAsync();
            Directory.Delete(Path.GetDirectoryName(archive)!, recursive: true);
        }
    }

    private static async Task CreateDatabaseAsync(PostgresCluster cluster, string name)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString());
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
    }

    private static async Task<DateTimeOffset> ServerNowAsync(PostgresCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString());
        await connection.OpenAsync();
        await using var now = new NpgsqlCommand("SELECT clock_timestamp()", connection);
        return new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await now.ExecuteScalarAsync())!, DateTimeKind.Utc));
    }
}
