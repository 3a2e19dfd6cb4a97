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
        await using (var db = factory.CreateDbContext())
        {
            // One database per class: start without the marker another test of the class may have written.
            await db.PlatformSettings.Where(s => s.Key == RestoreMarker.SettingKey).ExecuteDeleteAsync();
        }

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
    public async Task Postgres_ControlFunctionsRefused_EpochFallsBackToWhatTheRoleMayRead_AndARestoreStillChangesIt()
    {
        var storage = StorageOptions.ForPostgres(_database.ConnectionString);
        var factory = new WardenDbContextFactory(storage);
        await new WardenDatabase(factory).MigrateAsync();
        var role = "warden_epoch_" + Guid.NewGuid().ToString("N")[..10];
        await ExecuteAsync(_database.ConnectionString,
            $"CREATE ROLE {role} LOGIN PASSWORD 'epoch-test-password'",
            $"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
            // Function privileges live in each database's catalog: this hardens only the test's own database.
            "REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC",
            "REVOKE EXECUTE ON FUNCTION pg_control_checkpoint() FROM PUBLIC",
            "REVOKE EXECUTE ON FUNCTION pg_current_wal_lsn() FROM PUBLIC");
        try
        {
            var restricted = new Npgsql.NpgsqlConnectionStringBuilder(_database.ConnectionString) { Username = role, Password = "epoch-test-password", Pooling = false }.ConnectionString;
            var hub = new SnapshotHub();
            var builder = new IncrementalSnapshotBuilder(new WardenDbContextFactory(StorageOptions.ForPostgres(restricted)), hub, _time);

            await builder.ReconcileAsync(full: false, CancellationToken.None);
            var before = builder.CounterEpoch!;
            Assert.Equal((null, null), (before.SystemIdentifier, before.Timeline));
            Assert.NotNull(before.DatabaseOid);
            Assert.Matches("^[0-9a-f]{16}$", before.Epoch);

            await using (var db = factory.CreateDbContext())
            {
                await db.PlatformSettings.Where(s => s.Key == RestoreMarker.SettingKey).ExecuteDeleteAsync();
                db.PlatformSettings.Add(new PlatformSetting { Key = RestoreMarker.SettingKey, Value = "{\"restoreId\":\"r-restricted\"}", UpdatedAt = _time.GetUtcNow() });
                await db.SaveChangesAsync();
            }

            await builder.ReconcileAsync(full: false, CancellationToken.None);
            Assert.Equal("r-restricted", builder.CounterEpoch!.RestoreId);
            Assert.NotEqual(before.Epoch, builder.CounterEpoch.Epoch);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_database.ConnectionString,
                "GRANT EXECUTE ON FUNCTION pg_control_system() TO PUBLIC",
                "GRANT EXECUTE ON FUNCTION pg_control_checkpoint() TO PUBLIC",
                "GRANT EXECUTE ON FUNCTION pg_current_wal_lsn() TO PUBLIC",
                $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
                $"DROP ROLE {role}");
        }
    }

    private static async Task ExecuteAsync(string connectionString, params string[] statements)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
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
