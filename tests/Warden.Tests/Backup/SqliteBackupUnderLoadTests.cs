using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Warden.Testing;
using Warden.Tests.Reconcile;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Warden.Tests.Backup;

/// <summary>
/// A SQLite backup taken while <c>warden serve</c> is busy (chat requests through the gateway writing ledger rows,
/// admin writes adding configuration and audit events) restores to a consistent database.
/// </summary>
public sealed class SqliteBackupUnderLoadTests
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };
    private readonly ITestOutputHelper _output;

    public SqliteBackupUnderLoadTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Theory]
    [MemberData(nameof(BackupTestLocation.Kinds), MemberType = typeof(BackupTestLocation))]
    public async Task BackupsTakenUnderLoad_RestoreConsistent_IntegrityCountsAndAuditChain(string locationKind)
    {
        await using var location = BackupTestLocation.Create(locationKind);
        await using var demo = await DemoServe.StartAsync("warden-load-");
        var (serve, dataDir, controlPlaneUrl) = (demo.Process, demo.DataDir, demo.ControlPlaneUrl);
        var (apiKey, model, apiBase) = (demo.ApiKey, demo.Model, demo.ApiBase);

        using var stop = new CancellationTokenSource();
        var chats = 0;
        var chatFailures = 0;
        var adminWrites = 0;
        var load = new List<Task>();
        for (var worker = 0; worker < 4; worker++)
        {
            load.Add(Task.Run(async () =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                while (!stop.IsCancellationRequested)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, apiBase + "/chat/completions")
                    {
                        Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hello under load"}]}""", Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
                    using var response = await http.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref chats);
                    }
                    else
                    {
                        Interlocked.Increment(ref chatFailures);
                    }
                }
            }));
        }

        load.Add(Task.Run(async () =>
        {
            using var admin = new AdminClient(controlPlaneUrl);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await admin.CreateOrganizationAndProjectAsync("load" + i.ToString(CultureInfo.InvariantCulture), "p");
                Interlocked.Increment(ref adminWrites);
            }
        }));

        var sqliteFlags = new[] { "--database-kind", "sqlite", "--data-dir", dataDir };
        var backups = new List<(string Id, double Seconds)>();
        await Task.Delay(1500);
        for (var i = 0; i < 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var (exitCode, output) = await BackupCli.RunAsync(["backup", "create"], sqliteFlags, ["--to", location.Location]);
            Assert.True(exitCode == 0, output);
            backups.Add((output.Split('\n').First(l => l.StartsWith("Backup ", StringComparison.Ordinal)).Split(' ')[1], Stopwatch.GetElapsedTime(started).TotalSeconds));
            await Task.Delay(700);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Equal(0, await serve.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, chatFailures);

        var manifests = new List<Warden.Storage.Backup.BackupManifest>();
        foreach (var (id, _) in backups)
        {
            var manifest = await BackupCli.ManifestAsync(location, id);
            manifests.Add(manifest);
            var verify = await BackupCli.RunAsync(["backup", "verify", id], sqliteFlags, ["--from", location.Location]);
            Assert.True(verify.ExitCode == 0, verify.Output);
            Assert.Contains("PASS integrity: PRAGMA integrity_check ok", verify.Output, StringComparison.Ordinal);
            Assert.Contains("PASS row counts", verify.Output, StringComparison.Ordinal);
            Assert.Contains("PASS audit chain", verify.Output, StringComparison.Ordinal);

            await using var restored = await BackupTestDatabase.CreateEmptyAsync("sqlite");
            var restore = await BackupCli.RunAsync(["backup", "restore", id], restored.Flags, ["--from", location.Location]);
            Assert.True(restore.ExitCode == 0, restore.Output);
            var audit = await BackupCli.RunAsync(["audit", "verify"], restored.Flags);
            Assert.True(audit.ExitCode == 0, audit.Output);
            var fingerprint = await restored.FingerprintAsync();
            foreach (var (table, expected) in manifest.RowCounts)
            {
                var actual = fingerprint[table].Rows;
                // The restore adds its own marker setting and audit event; the fingerprint leaves those out.
                Assert.True(actual == expected, $"{id} {table}: restored {actual}, manifest {expected}");
            }
        }

        Assert.True(manifests[^1].RowCounts["usage_records"] > 0, "the load produced no ledger rows before the last backup");
        Assert.True(manifests[^1].RowCounts.Values.Sum() > manifests[0].RowCounts.Values.Sum(), "the backups did not see the database change under load");

        var figures = new
        {
            chats,
            adminWrites,
            backups = backups.Select((b, i) => new
            {
                id = b.Id,
                processSeconds = Math.Round(b.Seconds, 3),
                payloadBytes = manifests[i].PayloadBytes,
                usageRecords = manifests[i].RowCounts["usage_records"],
                auditEvents = manifests[i].RowCounts["audit_events"],
            }),
        };
        var json = JsonSerializer.Serialize(figures, s_indented);
        _output.WriteLine(json);
        Percentiles.WriteResult("backup-sqlite-under-load.json", json);
        Directory.Delete(dataDir, recursive: true);
    }

    [Theory]
    [MemberData(nameof(BackupTestLocation.Kinds), MemberType = typeof(BackupTestLocation))]
    public async Task RestoreIntoTheLiveFile_WhileServeTakesTraffic_ReplacesTheData_AndServeKeepsAnswering(string locationKind)
    {
        await using var location = BackupTestLocation.Create(locationKind);
        await using var demo = await DemoServe.StartAsync("warden-live-restore-");
        var (serve, dataDir, controlPlaneUrl) = (demo.Process, demo.DataDir, demo.ControlPlaneUrl);
        var (apiKey, model, apiBase) = (demo.ApiKey, demo.Model, demo.ApiBase);
        var sqliteFlags = new[] { "--database-kind", "sqlite", "--data-dir", dataDir };
        var backupId = await BackupCli.CreateAsync(await BackupTestDatabaseFor(dataDir), location);
        using (var admin = new AdminClient(controlPlaneUrl))
        {
            await admin.CreateOrganizationAndProjectAsync("after-backup", "p"); // must be gone after the restore
        }

        using var stop = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var load = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            while (!stop.IsCancellationRequested)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, apiBase + "/chat/completions")
                {
                    Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hello during a restore"}]}""", Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
                using var response = await http.SendAsync(request);
                statuses.Add(response.StatusCode);
            }
        })).ToList();
        await Task.Delay(1000);

        var restore = await BackupCli.RunAsync(["backup", "restore", backupId, "--force"], sqliteFlags, ["--from", location.Location]);
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.False(serve.HasExited, serve.Output);
        Assert.Equal(0, await serve.StopAsync(TimeSpan.FromSeconds(30)));

        Assert.True(restore.ExitCode == 0, restore.Output);
        Assert.NotEmpty(statuses);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        var restored = await BackupTestDatabaseFor(dataDir);
        await using (var db = new Warden.Storage.WardenDbContextFactory(restored.Storage).CreateDbContext())
        {
            Assert.False(await db.Organizations.AnyAsync(o => o.Slug == "after-backup"));
            var integrity = await db.Database.SqlQueryRaw<string>("PRAGMA integrity_check").ToListAsync();
            Assert.Equal(["ok"], integrity);
        }

        Assert.NotNull(await restored.ReadSettingAsync(Warden.Storage.Backup.RestoreMarker.SettingKey));
        var audit = await BackupCli.RunAsync(["audit", "verify"], sqliteFlags);
        Assert.True(audit.ExitCode == 0, audit.Output);
        _output.WriteLine($"chat requests during the restore window: {statuses.Count}, all 200");
        Directory.Delete(dataDir, recursive: true);
    }

    private static async Task<BackupTestDatabase> BackupTestDatabaseFor(string dataDir) => await BackupTestDatabase.ForSqliteDataDirAsync(dataDir);
}
