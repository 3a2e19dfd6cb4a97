using System.Text.Json;
using Warden.Storage.Backup;
using Warden.Testing;

namespace Warden.Tests.Backup;

/// <summary>
/// <c>warden backup create/list/verify/restore</c> end to end through the real executable, against real PostgreSQL
/// and SQLite, for every backup location kind.
/// </summary>
public sealed class BackupRoundTripTests
{
    [Theory]
    [MemberData(nameof(BackupTestLocation.KindsAndDatabases), MemberType = typeof(BackupTestLocation))]
    public async Task CreateListVerifyRestore_RestoredDatabaseEqualsTheSource_AndRecordsTheRestore(string locationKind, string databaseKind)
    {
        await using var location = BackupTestLocation.Create(locationKind);
        await using var source = await BackupTestDatabase.CreateSeededAsync(databaseKind);
        await using var target = await BackupTestDatabase.CreateEmptyAsync(databaseKind);
        var before = await source.FingerprintAsync();

        var backupId = await BackupCli.CreateAsync(source, location);
        var list = await BackupCli.RunAsync(["backup", "list", "--location", location.Location, "--json"]);
        var verify = await BackupCli.RunAsync(["backup", "verify", backupId], source.Flags, ["--from", location.Location]);
        var restore = await BackupCli.RunAsync(["backup", "restore", backupId], target.Flags, ["--from", location.Location]);
        var audit = await BackupCli.RunAsync(["audit", "verify"], target.Flags);

        Assert.True(list.ExitCode == 0, list.Output);
        var entry = Assert.Single(BackupCli.ParseList(list.Output).EnumerateArray());
        Assert.Equal(backupId, entry.GetProperty("backupId").GetString());
        Assert.True(entry.GetProperty("complete").GetBoolean());
        Assert.Equal(databaseKind, entry.GetProperty("databaseKind").GetString());

        var manifest = await BackupCli.ManifestAsync(location, backupId);
        Assert.Equal((await source.AppliedMigrationsAsync())[^1], manifest.SchemaMigration);
        Assert.Equal(300, manifest.RowCounts["usage_records"]);
        Assert.Equal(5, manifest.RowCounts["audit_events"]);
        Assert.DoesNotContain("Password", System.Text.Encoding.UTF8.GetString(await location.ReadAsync(BackupManifest.ManifestName(backupId))), StringComparison.OrdinalIgnoreCase);
        foreach (var (table, (rows, _)) in before)
        {
            Assert.True(manifest.RowCounts[table] == rows, $"{table}: manifest {manifest.RowCounts[table]}, source {rows}");
        }

        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("PASS checksum", verify.Output, StringComparison.Ordinal);
        Assert.Contains("PASS row counts", verify.Output, StringComparison.Ordinal);
        Assert.Contains("PASS audit chain: 5 event(s) verified", verify.Output, StringComparison.Ordinal);

        Assert.True(restore.ExitCode == 0, restore.Output);
        Assert.Equal(before, await target.FingerprintAsync());
        Assert.True(audit.ExitCode == 0, audit.Output);
        Assert.Contains("6 event(s) verified", audit.Output, StringComparison.Ordinal); // the 5 restored + backup.restore

        var restoreEvent = Assert.Single(await target.AuditEventsAsync("backup.restore"));
        Assert.StartsWith("cli:", restoreEvent.Actor, StringComparison.Ordinal);
        Assert.Contains(backupId, restoreEvent.Target, StringComparison.Ordinal);
        using var marker = JsonDocument.Parse((await target.ReadSettingAsync(RestoreMarker.SettingKey))!);
        Assert.Equal(backupId, marker.RootElement.GetProperty("backupId").GetString());
        Assert.False(string.IsNullOrEmpty(marker.RootElement.GetProperty("restoreId").GetString()));
        Assert.True(marker.RootElement.TryGetProperty("restoredAt", out _));
    }

    [Theory]
    [MemberData(nameof(BackupTestLocation.KindsAndDatabases), MemberType = typeof(BackupTestLocation))]
    public async Task RestoreTwice_WithForce_ReplacesTheDatabase_WithANewRestoreIdEachTime(string locationKind, string databaseKind)
    {
        await using var location = BackupTestLocation.Create(locationKind);
        await using var source = await BackupTestDatabase.CreateSeededAsync(databaseKind, ledgerRows: 20);
        var backupId = await BackupCli.CreateAsync(source, location);
        var original = await source.FingerprintAsync();
        // A change after the backup: the restore must take it away again.
        await using (var db = new Warden.Storage.WardenDbContextFactory(source.Storage).CreateDbContext())
        {
            db.UsageRecords.RemoveRange(db.UsageRecords.Take(5));
            await db.SaveChangesAsync();
        }

        var first = await BackupCli.RunAsync(["backup", "restore", "latest", "--force"], source.Flags, ["--from", location.Location]);
        var firstMarker = await source.ReadSettingAsync(RestoreMarker.SettingKey);
        var second = await BackupCli.RunAsync(["backup", "restore", backupId, "--force"], source.Flags, ["--from", location.Location]);
        var secondMarker = await source.ReadSettingAsync(RestoreMarker.SettingKey);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Equal(original, await source.FingerprintAsync());
        Assert.NotNull(firstMarker);
        Assert.NotEqual(firstMarker, secondMarker);
        // The backup holds no backup.restore event, so each restore leaves exactly its own.
        Assert.Single(await source.AuditEventsAsync("backup.restore"));
        var audit = await BackupCli.RunAsync(["audit", "verify"], source.Flags);
        Assert.True(audit.ExitCode == 0, audit.Output);
    }
}
