using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Warden.Storage;
using Warden.Testing;

namespace Warden.Tests.Backup;

/// <summary>
/// DR-4: <c>warden migrate</c> and a control plane starting with pending migrations back up first, and refuse to
/// migrate (changing nothing) when the backup cannot be taken. The database is left one migration behind with EF's
/// migrator, so this build has a pending migration.
/// </summary>
public sealed class MigrateBackupTests
{
    private const string InternalToken = "0123456789abcdef0123456789abcdef-test";

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Migrate_BackupDestinationFails_RefusesAndLeavesTheOlderSchema(string databaseKind)
    {
        await using var database = await OneMigrationBehindAsync(databaseKind);
        var blocker = Path.Combine(Directory.CreateTempSubdirectory("warden-blocked-").FullName, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");
        var before = await database.AppliedMigrationsAsync();

        var migrate = await BackupCli.RunAsync(["migrate"], database.Flags, ["--backup-location", Path.Combine(blocker, "backups")]);

        Assert.Equal(1, migrate.ExitCode);
        Assert.Contains("Refusing to migrate", migrate.Output, StringComparison.Ordinal);
        Assert.Contains("--no-backup", migrate.Output, StringComparison.Ordinal);
        Assert.Equal(before, await database.AppliedMigrationsAsync());
        Assert.Empty(await database.AuditEventsAsync("database.migrate"));
    }

    [Fact]
    public async Task Migrate_PostgresWithoutBackupLocation_Refuses()
    {
        await using var database = await OneMigrationBehindAsync("postgres");
        var before = await database.AppliedMigrationsAsync();

        var migrate = await BackupCli.RunAsync(["migrate"], database.Flags);

        Assert.Equal(1, migrate.ExitCode);
        Assert.Contains("no backup location is configured", migrate.Output, StringComparison.Ordinal);
        Assert.Equal(before, await database.AppliedMigrationsAsync());
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Migrate_WithLocation_BacksUpTheOldSchemaFirst_ThenMigrates_AndAuditsBoth(string databaseKind)
    {
        await using var database = await OneMigrationBehindAsync(databaseKind);
        await using var location = BackupTestLocation.Create("folder");
        var before = await database.AppliedMigrationsAsync();

        var migrate = await BackupCli.RunAsync(["migrate"], database.Flags, ["--backup-location", location.Location]);

        Assert.True(migrate.ExitCode == 0, migrate.Output);
        var list = await BackupCli.RunAsync(["backup", "list", "--location", location.Location, "--json"]);
        var backup = Assert.Single(BackupCli.ParseList(list.Output).EnumerateArray());
        var backupId = backup.GetProperty("backupId").GetString()!;
        Assert.Equal(before[^1], backup.GetProperty("schemaMigration").GetString());
        Assert.Equal(AllMigrations(database).Count, (await database.AppliedMigrationsAsync()).Count);
        var audit = Assert.Single(await database.AuditEventsAsync("database.migrate"));
        Assert.Contains(backupId, audit.Target, StringComparison.Ordinal);
        Assert.Contains(before[^1], audit.Target, StringComparison.Ordinal);
        Assert.StartsWith("cli:", audit.Actor, StringComparison.Ordinal);
        var verify = await BackupCli.RunAsync(["backup", "verify", backupId], database.Flags, ["--from", location.Location]);
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Fact]
    public async Task Migrate_NoBackup_MigratesWithAWarning_AndAuditsTheSkippedBackup()
    {
        await using var database = await OneMigrationBehindAsync("postgres");

        var migrate = await BackupCli.RunAsync(["migrate", "--no-backup"], database.Flags);

        Assert.True(migrate.ExitCode == 0, migrate.Output);
        Assert.Contains("WITHOUT a backup", migrate.Output, StringComparison.Ordinal);
        Assert.Equal(AllMigrations(database).Count, (await database.AppliedMigrationsAsync()).Count);
        var audit = Assert.Single(await database.AuditEventsAsync("database.migrate"));
        Assert.Contains("backup:skipped", audit.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlPlaneStart_PendingMigrations_FailingBackup_RefusesToStartAndChangesNothing()
    {
        await using var database = await OneMigrationBehindAsync("postgres");
        var before = await database.AppliedMigrationsAsync();
        var url = FreePort.NextUrl();
        var blocker = Path.Combine(Directory.CreateTempSubdirectory("warden-blocked-").FullName, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");

        await using var controlPlane = WardenProcess.Start(["control-plane", "--url", url.ToString(), .. database.Flags],
            new Dictionary<string, string?> { ["WARDEN__ControlPlane__InternalToken"] = InternalToken, ["WARDEN__Backup__Location"] = Path.Combine(blocker, "b") });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!controlPlane.HasExited)
        {
            await Task.Delay(100, cts.Token);
        }

        Assert.Equal(1, controlPlane.ExitCode);
        Assert.Contains("Refusing to migrate", controlPlane.Output, StringComparison.Ordinal);
        Assert.Equal(before, await database.AppliedMigrationsAsync());
    }

    [Fact]
    public async Task ControlPlaneStart_PendingMigrations_BacksUpThenMigratesAndBecomesReady()
    {
        await using var database = await OneMigrationBehindAsync("postgres");
        await using var location = BackupTestLocation.Create("folder");
        var before = await database.AppliedMigrationsAsync();
        var url = FreePort.NextUrl();

        await using var controlPlane = WardenProcess.Start(["control-plane", "--url", url.ToString(), .. database.Flags],
            new Dictionary<string, string?> { ["WARDEN__ControlPlane__InternalToken"] = InternalToken, ["WARDEN__Backup__Location"] = location.Location });
        await controlPlane.WaitForHttpOkAsync(new Uri(url, "/readyz"), TimeSpan.FromSeconds(90));

        var list = await BackupCli.RunAsync(["backup", "list", "--location", location.Location, "--json"]);
        var backup = Assert.Single(BackupCli.ParseList(list.Output).EnumerateArray());
        Assert.Equal(before[^1], backup.GetProperty("schemaMigration").GetString());
        Assert.Equal(AllMigrations(database).Count, (await database.AppliedMigrationsAsync()).Count);
        var audit = Assert.Single(await database.AuditEventsAsync("database.migrate"));
        Assert.Equal("system", audit.Actor);
        Assert.Equal(0, await controlPlane.StopAsync());
    }

    [Fact]
    public async Task ServeStart_SqlitePendingMigrations_BacksUpIntoDataDirBackups()
    {
        await using var database = await OneMigrationBehindAsync("sqlite");
        var gatewayUrl = FreePort.NextUrl();
        var controlPlaneUrl = FreePort.NextUrl();

        await using var serve = WardenProcess.Start(["serve", "--data-dir", database.DataDir!,
            "--gateway-url", gatewayUrl.ToString().TrimEnd('/'), "--control-plane-url", controlPlaneUrl.ToString().TrimEnd('/')]);
        await serve.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(90));

        var list = await BackupCli.RunAsync(["backup", "list", "--location", Path.Combine(database.DataDir!, "backups"), "--json"]);
        var backup = Assert.Single(BackupCli.ParseList(list.Output).EnumerateArray());
        Assert.True(backup.GetProperty("complete").GetBoolean());
        Assert.Equal("sqlite", backup.GetProperty("databaseKind").GetString());
        Assert.Equal(0, await serve.StopAsync(TimeSpan.FromSeconds(30)));
    }

    private static IReadOnlyList<string> AllMigrations(BackupTestDatabase database) =>
        new WardenDatabase(new WardenDbContextFactory(database.Storage)).GetAllMigrations();

    /// <summary>A database migrated to the second-newest migration, with some configuration in it.</summary>
    private static async Task<BackupTestDatabase> OneMigrationBehindAsync(string kind)
    {
        var database = await BackupTestDatabase.CreateEmptyAsync(kind);
        await using (var context = new WardenDbContextFactory(database.Storage).CreateDbContext())
        {
            var all = context.Database.GetMigrations().ToList();
            Assert.True(all.Count >= 2, "needs at least two migrations");
            await context.GetService<IMigrator>().MigrateAsync(all[^2]);
            await context.Database.ExecuteSqlRawAsync(kind == "postgres"
                ? "INSERT INTO platform_settings (key, value, updated_at) VALUES ('test.marker', '\"before-upgrade\"', now())"
                : "INSERT INTO platform_settings (key, value, updated_at) VALUES ('test.marker', '\"before-upgrade\"', 0)");
        }

        Assert.Single(await new WardenDatabase(new WardenDbContextFactory(database.Storage)).GetPendingMigrationsAsync());
        return database;
    }
}
