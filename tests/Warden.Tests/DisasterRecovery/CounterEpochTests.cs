using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Warden.ControlPlane.Reconcile;
using Warden.Storage;
using Warden.Storage.Backup;
using Warden.Storage.Entities;
using Warden.Testing;
using Warden.Tests.Reconcile;

namespace Warden.Tests.DisasterRecovery;

/// <summary>
/// The control plane derives the counter epoch from the database: the same on every replica, unchanged by ordinary
/// writes, new after a restore marker — which alone (no revision going backwards) forces a full rebuild and a new
/// configuration id, so gateways re-seed their budget counters.
/// </summary>
public sealed class CounterEpochTests : IClassFixture<PostgresDatabase>
{
    private readonly PostgresDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    public CounterEpochTests(PostgresDatabase database)
    {
        _database = database;
    }

    [Fact]
    public async Task Postgres_EpochComesFromTheCluster_SameOnEveryReplica_AndARestoreMarkerChangesItAndForcesAFullRebuild()
    {
        var storage = StorageOptions.ForPostgres(_database.ConnectionString);
        var factory = new WardenDbContextFactory(storage);
        await new WardenDatabase(factory).MigrateAsync();
        var writer = new ConfigWriter(storage);
        await writer.SeedAsync(new Uri("http://127.0.0.1:9/v1"));
        var hubA = new SnapshotHub();
        var replicaA = new IncrementalSnapshotBuilder(factory, hubA, _time);
        var hubB = new SnapshotHub();
        var replicaB = new IncrementalSnapshotBuilder(factory, hubB, _time);

        await replicaA.ReconcileAsync(full: false, CancellationToken.None);
        await replicaB.ReconcileAsync(full: false, CancellationToken.None);
        var before = replicaA.CounterEpoch!;
        Assert.Matches("^[0-9a-f]{16}$", before.Epoch);
        Assert.NotNull(before.SystemIdentifier);
        Assert.NotNull(before.Timeline);
        Assert.NotNull(before.DatabaseOid);
        Assert.Null(before.RestoreId);
        Assert.Equal(before.Epoch, replicaB.CounterEpoch!.Epoch);
        Assert.Equal(hubA.CurrentSnapshot!.Config.ContentId, hubB.CurrentSnapshot!.Config.ContentId);
        Assert.Equal(before.Epoch, hubA.CurrentSnapshot.CounterEpoch);

        // Ordinary writes keep the epoch.
        await writer.AddKeyAsync();
        var write = await replicaA.ReconcileAsync(full: false, CancellationToken.None);
        Assert.Equal(ReconcileKind.KeyDelta, write.Kind);
        Assert.Equal(before.Epoch, replicaA.CounterEpoch!.Epoch);
        var configBefore = hubA.CurrentSnapshot!.Config.ContentId;

        // A restore that left the configuration history intact still writes its marker.
        var restoreId = Guid.NewGuid().ToString();
        await using (var db = factory.CreateDbContext())
        {
            db.PlatformSettings.Add(new PlatformSetting { Key = RestoreMarker.SettingKey, Value = $$"""{"restoreId":"{{restoreId}}","restoredAt":"2026-11-24T10:00:00Z","backupId":"b1"}""", UpdatedAt = _time.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        var restored = await replicaA.ReconcileAsync(full: false, CancellationToken.None);

        Assert.Equal((ReconcileKind.Full, "counter epoch changed", true), (restored.Kind, restored.Reason, restored.ConfigChanged));
        Assert.Equal(restoreId, replicaA.CounterEpoch!.RestoreId);
        Assert.NotEqual(before.Epoch, replicaA.CounterEpoch.Epoch);
        Assert.Equal(replicaA.CounterEpoch.Epoch, hubA.CurrentSnapshot!.CounterEpoch);
        Assert.NotEqual(configBefore, hubA.CurrentSnapshot.Config.ContentId);
        Assert.Equal(ReconcileKind.None, (await replicaA.ReconcileAsync(full: false, CancellationToken.None)).Kind);

        // The other replica reaches the same epoch and configuration id on its own.
        await replicaB.ReconcileAsync(full: false, CancellationToken.None);
        Assert.Equal(replicaA.CounterEpoch.Epoch, replicaB.CounterEpoch!.Epoch);
        Assert.Equal(hubA.CurrentSnapshot.Config.ContentId, hubB.CurrentSnapshot!.Config.ContentId);
    }

    [Fact]
    public async Task Sqlite_HasNoEpochUntilRestored_ThenOneFromTheMarker()
    {
        var folder = Directory.CreateTempSubdirectory("warden-epoch-");
        try
        {
            var storage = StorageOptions.ForSqliteFile(Path.Combine(folder.FullName, "warden.db"));
            var factory = new WardenDbContextFactory(storage);
            await new WardenDatabase(factory).MigrateAsync();
            var hub = new SnapshotHub();
            var builder = new IncrementalSnapshotBuilder(factory, hub, _time);
            await builder.ReconcileAsync(full: false, CancellationToken.None);
            Assert.Equal("", hub.CurrentSnapshot!.CounterEpoch);

            await using (var db = factory.CreateDbContext())
            {
                // Not the expected JSON: the raw value still identifies this restore.
                db.PlatformSettings.Add(new PlatformSetting { Key = RestoreMarker.SettingKey, Value = "\"restored by hand\"", UpdatedAt = _time.GetUtcNow() });
                await db.SaveChangesAsync();
            }

            var restored = await builder.ReconcileAsync(full: false, CancellationToken.None);
            Assert.Equal(ReconcileKind.Full, restored.Kind);
            Assert.Matches("^[0-9a-f]{16}$", hub.CurrentSnapshot!.CounterEpoch);
            Assert.Equal("\"restored by hand\"", builder.CounterEpoch!.RestoreId);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
