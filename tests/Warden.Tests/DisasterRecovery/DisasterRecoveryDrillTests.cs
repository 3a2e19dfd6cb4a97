using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Usage;
using Warden.Storage;
using Warden.Testing;
using Warden.Tests.Reconcile;
using Xunit.Abstractions;

namespace Warden.Tests.DisasterRecovery;

/// <summary>
/// The DR drill (SPEC DR-3, DR-5) against real PostgreSQL and Redis: a control plane and two gateways configured through
/// the admin API, a logical backup, changes after it, and a restore into the live database while everything keeps
/// running. Both gateways must converge to the backup within 5 s without a restart: keys of the backup work (also one
/// revoked after it), a key created after it is refused, month-to-date spend is the restored ledger's — in the usage
/// API and in what the shared budget counters admit — and the audit chain verifies.
/// </summary>
public sealed class DisasterRecoveryDrillTests : IClassFixture<PostgresDatabase>
{
    private readonly PostgresDatabase _database;
    private readonly ITestOutputHelper _output;

    public DisasterRecoveryDrillTests(PostgresDatabase database, ITestOutputHelper output)
    {
        _database = database;
        _output = output;
    }

    [Fact]
    public async Task RestoreIntoTheLiveDatabase_BothGatewaysConvergeWithin5s_KeysSpendAndAuditMatchTheBackup()
    {
        await using var cluster = await DrillCluster.StartAsync(_database.ConnectionString);
        await cluster.StartGatewaysAsync();
        var world = new DrillWorld(cluster);
        await world.BuildBeforeBackupAsync();

        var backups = Path.Combine(Path.GetTempPath(), "warden-dr-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            var backupTimer = Stopwatch.StartNew();
            var backupId = await DatabaseBackupTool.BackupAsync(_database.ConnectionString, backups);
            var backupMs = backupTimer.Elapsed.TotalMilliseconds;

            await world.ChangeAfterBackupAsync();
            var before = await cluster.BudgetCountersAsync(world.C2);
            var oldEpoch = Assert.Single(before).Key;
            Assert.Equal(8_000_000, before[oldEpoch].Settled); // $0.008 before the restore

            // Restore while the control plane and both gateways keep running.
            var restoreTimer = Stopwatch.StartNew();
            await DatabaseBackupTool.RestoreAsync(_database.ConnectionString, backups, backupId);
            var restoreMs = restoreTimer.Elapsed.TotalMilliseconds;
            var restored = Stopwatch.GetTimestamp();

            var converged = await cluster.WaitForConvergenceAsync(world.RestoredExpectations, restored, TimeSpan.FromSeconds(5));
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backup {backupMs:F0} ms ({BackupBytes(backups)} bytes), restore {restoreMs:F0} ms; converged after warden backup restore returned: gateway 0 {converged[0]:F0} ms, gateway 1 {converged[1]:F0} ms"));

            // Both gateways moved to the same new counter epoch, and the counters re-seeded from the restored ledger.
            var (from0, to0) = await DrillCluster.WaitForEpochChangeAsync(cluster.Gateways[0].Process);
            var (from1, to1) = await DrillCluster.WaitForEpochChangeAsync(cluster.Gateways[1].Process);
            Assert.Equal((oldEpoch, oldEpoch), (from0, from1));
            Assert.Equal(to0, to1);
            Assert.NotEqual(oldEpoch, to0);

            await cluster.WaitForLedgerRowsAsync(DrillWorld.RowsAtBackup);
            await world.AssertSpendMatchesRestoredLedgerAsync();
            var after = await cluster.BudgetCountersAsync(world.C2);
            Assert.Equal((9_000_000L, 0L), after[to0]);            // restored $0.004 + five requests
            Assert.Equal((8_000_000L, 0L), after[oldEpoch]);       // the old epoch's counter is left alone

            // Admin writes after the restore chain onto the restored audit log, and the chain verifies.
            await cluster.Admin.CreateConsumerAsync(world.OrgB, "ops", "after-restore");
            var (exitCode, verifyOutput) = await cluster.VerifyAuditAsync();
            _output.WriteLine(verifyOutput);
            Assert.True(exitCode == 0, "warden audit verify failed:\n" + verifyOutput);

            // Usage recorded under the old epoch that reaches the ledger only now (a spooled batch) is kept: it is real
            // usage. Ingest stays idempotent: an event already in the restored ledger is not stored twice.
            var (accepted, inserted) = await IngestLateEventsAsync(cluster, world);
            Assert.Equal((2, 1), (accepted, inserted));

            var path = Percentiles.WriteResult("dr.json", JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["scenario"] = "warden backup create to a folder; warden backup restore ID --force into the live database (pg_restore --single-transaction, restore marker, audit event, NOTIFY); control plane and two gateways keep running",
                ["measuredFrom"] = "warden backup restore exited (NOTIFY sent)",
                ["measuredUntil"] = "gateway answers K1 200, K2 200, KB 200, K3 401 on GET /v1/models (polled every 10 ms)",
                ["gateway0ConvergedMs"] = converged[0],
                ["gateway1ConvergedMs"] = converged[1],
                ["backupMs"] = backupMs,
                ["backupBytes"] = BackupBytes(backups),
                ["restoreMs"] = restoreMs,
            }));
            _output.WriteLine("Written to " + path);
        }
        finally
        {
            if (Directory.Exists(backups))
            {
                Directory.Delete(backups, recursive: true);
            }
        }
    }

    private static async Task<(int Accepted, int Inserted)> IngestLateEventsAsync(DrillCluster cluster, DrillWorld world)
    {
        var contexts = new WardenDbContextFactory(StorageOptions.ForPostgres(cluster.ConnectionString));
        Storage.Entities.UsageRecord existing;
        await using (var db = contexts.CreateDbContext())
        {
            existing = await db.UsageRecords.AsNoTracking().OrderBy(r => r.EventId).FirstAsync();
        }

        UsageEvent Event(Guid id, Guid consumer) => new()
        {
            EventId = id,
            OccurredAt = DateTimeOffset.UtcNow,
            OrganizationId = existing.OrganizationId,
            ProjectId = existing.ProjectId,
            ConsumerId = consumer,
            GroupIds = [],
            KeyId = Guid.NewGuid(),
            LogicalModel = "hammer",
            ProviderName = "mock",
            UpstreamModel = "hammer-upstream@tokens=10",
            Tokens = new TokenUsage(1, 10, 0, 0),
            UsageReported = true,
            CostUsd = DrillCluster.CostUsd,
            Status = "ok",
            HttpStatus = 200,
            LatencyMs = 5,
            RequestId = "late-" + id.ToString("N")[..8],
        };

        // One event already in the restored ledger, one of K3's consumer c1 recorded after the backup point.
        var batch = new UsageBatch { Events = [Event(existing.EventId, existing.ConsumerId), Event(Guid.CreateVersion7(), world.C1)] };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.ControlPlaneUrl, "/internal/usage"))
        {
            Content = new StringContent(JsonSerializer.Serialize(batch, UsageJsonContext.Default.UsageBatch), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DrillCluster.IngestToken);
        using var response = await cluster.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var answer = JsonDocument.Parse(text);
        return (answer.RootElement.GetProperty("accepted").GetInt32(), answer.RootElement.GetProperty("inserted").GetInt32());
    }

    private static long BackupBytes(string folder) =>
        Directory.EnumerateFiles(folder, "payload.*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
