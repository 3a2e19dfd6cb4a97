using System.Text;
using System.Text.Json.Nodes;
using Warden.Storage.Backup;
using Warden.Testing;

namespace Warden.Tests.Backup;

/// <summary>What <c>warden backup verify/restore</c> refuse: corrupted payloads, newer schemas, non-empty targets.</summary>
public sealed class BackupRefusalTests
{
    [Theory]
    [MemberData(nameof(BackupTestLocation.KindsAndDatabases), MemberType = typeof(BackupTestLocation))]
    public async Task CorruptedPayload_VerifyFailsNamingTheChecksum_AndRestoreRefuses(string locationKind, string databaseKind)
    {
        await using var location = BackupTestLocation.Create(locationKind);
        await using var source = await BackupTestDatabase.CreateSeededAsync(databaseKind, ledgerRows: 50);
        await using var target = await BackupTestDatabase.CreateEmptyAsync(databaseKind);
        var backupId = await BackupCli.CreateAsync(source, location);
        var manifest = await BackupCli.ManifestAsync(location, backupId);
        var payload = await location.ReadAsync(manifest.PayloadName);
        payload[payload.Length / 2] ^= 0x5A; // one flipped byte, same size
        await location.WriteAsync(manifest.PayloadName, payload);

        var verify = await BackupCli.RunAsync(["backup", "verify", backupId], source.Flags, ["--from", location.Location]);
        var restore = await BackupCli.RunAsync(["backup", "restore", backupId], target.Flags, ["--from", location.Location]);

        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("FAIL checksum", verify.Output, StringComparison.Ordinal);
        Assert.Contains("FAILED", verify.Output, StringComparison.Ordinal);
        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("checksum mismatch", restore.Output, StringComparison.Ordinal);
        Assert.Empty(await target.FingerprintAsync()); // nothing was restored
    }

    [Theory]
    [MemberData(nameof(BackupTestLocation.KindsAndDatabases), MemberType = typeof(BackupTestLocation))]
    public async Task NewerSchemaBackup_RestoreRefuses_AndChangesNothing(string locationKind, string databaseKind)
    {
        await using var location = BackupTestLocation.Create(locationKind);
        await using var source = await BackupTestDatabase.CreateSeededAsync(databaseKind, ledgerRows: 10);
        await using var target = await BackupTestDatabase.CreateEmptyAsync(databaseKind);
        var backupId = await BackupCli.CreateAsync(source, location);
        var manifestName = BackupManifest.ManifestName(backupId);
        var json = JsonNode.Parse(await location.ReadAsync(manifestName))!;
        json["schemaMigration"] = "29991231235959_FromAFutureRelease";
        json["wardenVersion"] = "9.0.0";
        await location.WriteAsync(manifestName, Encoding.UTF8.GetBytes(json.ToJsonString()));

        var restore = await BackupCli.RunAsync(["backup", "restore", backupId, "--force"], target.Flags, ["--from", location.Location]);

        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("29991231235959_FromAFutureRelease", restore.Output, StringComparison.Ordinal);
        Assert.Contains("does not know", restore.Output, StringComparison.Ordinal);
        Assert.Contains("newer Warden (9.0.0)", restore.Output, StringComparison.Ordinal);
        Assert.Empty(await target.FingerprintAsync());
    }

    [Theory]
    [MemberData(nameof(BackupTestLocation.KindsAndDatabases), MemberType = typeof(BackupTestLocation))]
    public async Task RestoreIntoNonEmptyDatabase_WithoutForce_RefusesAndChangesNothing(string locationKind, string databaseKind)
    {
        await using var location = BackupTestLocation.Create(locationKind);
        await using var source = await BackupTestDatabase.CreateSeededAsync(databaseKind, ledgerRows: 10);
        var backupId = await BackupCli.CreateAsync(source, location);
        await using (var db = new Warden.Storage.WardenDbContextFactory(source.Storage).CreateDbContext())
        {
            db.UsageRecords.RemoveRange(db.UsageRecords.Take(3)); // differs from the backup now
            await db.SaveChangesAsync();
        }

        var before = await source.FingerprintAsync();

        var restore = await BackupCli.RunAsync(["backup", "restore", backupId], source.Flags, ["--from", location.Location]);

        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("not empty", restore.Output, StringComparison.Ordinal);
        Assert.Contains("--force", restore.Output, StringComparison.Ordinal);
        Assert.Equal(before, await source.FingerprintAsync());
        Assert.Null(await source.ReadSettingAsync(RestoreMarker.SettingKey));
    }

    [Fact]
    public async Task S3Location_UnreachableEndpoint_FailsWithAClearError_AndNoSecret()
    {
        var closed = "http://127.0.0.1:" + FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = await WardenProcess.RunAsync(["backup", "list", "--location", "s3://bucket/warden"], new Dictionary<string, string?>
        {
            ["WARDEN__Backup__S3__Endpoint"] = closed,
            ["WARDEN__Backup__S3__AccessKeyId"] = "warden-test-key",
            ["WARDEN__Backup__S3__SecretAccessKey"] = "super-secret-value-0123456789",
        }, TimeSpan.FromMinutes(2));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(closed, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret-value", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateWithoutLocation_OnPostgres_IsInvalidSettings_NamingTheKey()
    {
        var result = await BackupCli.RunAsync(["backup", "create", "--connection-string", "Host=127.0.0.1;Database=warden;Username=warden"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Backup:Location", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateWithoutLocation_OnSqlite_BacksUpIntoTheDataDirsBackupsFolder()
    {
        await using var database = await BackupTestDatabase.CreateSeededAsync("sqlite", ledgerRows: 10);

        var result = await BackupCli.RunAsync(["backup", "create"], database.Flags);

        Assert.True(result.ExitCode == 0, result.Output);
        var manifests = Directory.GetFiles(Path.Combine(database.DataDir!, "backups"), "manifest.json", SearchOption.AllDirectories);
        Assert.Single(manifests);
    }
}
