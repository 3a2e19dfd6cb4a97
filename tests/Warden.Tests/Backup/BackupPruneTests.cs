using System.Globalization;
using Warden.Storage.Backup;

namespace Warden.Tests.Backup;

/// <summary><c>warden backup prune</c>: retention by count and age, the newest backup always kept, leftovers cleaned.</summary>
public sealed class BackupPruneTests
{
    [Theory]
    [MemberData(nameof(BackupTestLocation.Kinds), MemberType = typeof(BackupTestLocation))]
    public async Task Prune_KeepsWhatEitherRuleKeeps_RemovesOldIncompleteLeftovers_AndDryRunDeletesNothing(string locationKind)
    {
        await using var location = BackupTestLocation.Create(locationKind);
        await using var source = await BackupTestDatabase.CreateSeededAsync("sqlite", ledgerRows: 5);
        var newest = await BackupCli.CreateAsync(source, location);
        var now = DateTimeOffset.UtcNow;
        var twoDays = await CopyAsAsync(location, newest, now.AddDays(-2));
        var tenDays = await CopyAsAsync(location, newest, now.AddDays(-10));
        var fortyDays = await CopyAsAsync(location, newest, now.AddDays(-40));
        var elevenDays = await CopyAsAsync(location, newest, now.AddDays(-11));
        var oldIncomplete = await CopyAsAsync(location, newest, now.AddDays(-3), withManifest: false);
        var freshIncomplete = await CopyAsAsync(location, newest, now.AddHours(-1), withManifest: false);
        var everything = await location.ListAsync();

        var dryRun = await BackupCli.RunAsync(["backup", "prune", "--location", location.Location, "--keep-last", "3", "--keep-days", "7", "--dry-run"]);
        var afterDryRun = await location.ListAsync();
        var prune = await BackupCli.RunAsync(["backup", "prune", "--location", location.Location, "--keep-last", "3", "--keep-days", "7"]);
        var list = await BackupCli.RunAsync(["backup", "list", "--location", location.Location, "--json"]);

        Assert.True(dryRun.ExitCode == 0, dryRun.Output);
        Assert.Contains("would delete " + fortyDays, dryRun.Output, StringComparison.Ordinal);
        Assert.Equal(everything, afterDryRun);
        Assert.True(prune.ExitCode == 0, prune.Output);
        var remaining = BackupCli.ParseList(list.Output).EnumerateArray().Select(e => e.GetProperty("backupId").GetString()).ToHashSet();
        // --keep-last 3 keeps newest, 2 days, 10 days; --keep-days 7 keeps newest and 2 days; 11 and 40 days go.
        Assert.Equal(new HashSet<string?> { newest, twoDays, tenDays, freshIncomplete }, remaining);
        Assert.DoesNotContain(elevenDays, remaining);
        Assert.DoesNotContain(oldIncomplete, remaining);
        Assert.Empty(await location.ListAsync(fortyDays + "/"));
        Assert.Empty(await location.ListAsync(oldIncomplete + "/"));
    }

    [Theory]
    [MemberData(nameof(BackupTestLocation.Kinds), MemberType = typeof(BackupTestLocation))]
    public async Task Prune_NeverDeletesTheNewestCompleteBackup_EvenWhenEveryRuleWould(string locationKind)
    {
        await using var location = BackupTestLocation.Create(locationKind);
        await using var source = await BackupTestDatabase.CreateSeededAsync("sqlite", ledgerRows: 5);
        var real = await BackupCli.CreateAsync(source, location);
        var old = await CopyAsAsync(location, real, DateTimeOffset.UtcNow.AddDays(-30));
        // A newer backup that never completed must not count as "the newest".
        var interrupted = await CopyAsAsync(location, real, DateTimeOffset.UtcNow.AddDays(-2), withManifest: false);
        await Task.Delay(1100); // the real backup is now older than --keep-days 0 allows

        var prune = await BackupCli.RunAsync(["backup", "prune", "--location", location.Location, "--keep-days", "0"]);

        Assert.True(prune.ExitCode == 0, prune.Output);
        Assert.NotEmpty(await location.ListAsync(real + "/" + BackupManifest.FileName));
        Assert.Empty(await location.ListAsync(old + "/"));
        Assert.Empty(await location.ListAsync(interrupted + "/"));
        var verify = await BackupCli.RunAsync(["backup", "verify", real], source.Flags, ["--from", location.Location]);
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Fact]
    public async Task Prune_WithoutARule_IsInvalidSettings()
    {
        await using var location = BackupTestLocation.Create("folder");

        var prune = await BackupCli.RunAsync(["backup", "prune", "--location", location.Location]);

        Assert.Equal(2, prune.ExitCode);
        Assert.Contains("--keep-last", prune.Output, StringComparison.Ordinal);
    }

    /// <summary>Copies backup <paramref name="backupId"/> under a new id dated <paramref name="createdAt"/>.</summary>
    private static async Task<string> CopyAsAsync(BackupTestLocation location, string backupId, DateTimeOffset createdAt, bool withManifest = true)
    {
        var manifest = await BackupCli.ManifestAsync(location, backupId);
        var id = createdAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        await location.WriteAsync(id + "/" + manifest.Payload, await location.ReadAsync(manifest.PayloadName));
        if (withManifest)
        {
            manifest.BackupId = id;
            manifest.CreatedAt = createdAt;
            await location.WriteAsync(BackupManifest.ManifestName(id), manifest.ToJson());
        }

        return id;
    }
}
