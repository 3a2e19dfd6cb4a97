using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.ControlPlane;
using Warden.ControlPlane.Hosting;
using Warden.ControlPlane.Reconcile;
using Warden.Core.Snapshots;
using Warden.Gateway;
using Warden.Gateway.Snapshots;
using Warden.Storage;
using Warden.Testing;

namespace Warden.Tests.Reconcile;

/// <summary>
/// The snapshot channel end to end in one process: a real control-plane web application on SQLite and the gateway's
/// subscriber over HTTP. Key changes travel as deltas onto the same base, configuration changes as the configuration
/// part alone, and a database restore (revisions going backwards) as a new base the gateway follows.
/// </summary>
public sealed class SnapshotProtocolTests : IAsyncLifetime
{
    private const string InternalToken = "protocol-test-internal-token-0123456789abcdef";
    private readonly StorageOptions _storage = StorageOptions.ForSqliteFile(Path.Combine(Directory.CreateTempSubdirectory("warden-proto-").FullName, "warden.db"));
    private readonly Uri _controlPlaneUrl = FreePort.NextUrl();
    private WebApplication _controlPlane = null!;
    private ConfigWriter _writer = null!;

    public async Task InitializeAsync()
    {
        await new WardenDatabase(new WardenDbContextFactory(_storage)).MigrateAsync();
        _writer = new ConfigWriter(_storage);
        await _writer.SeedAsync(new Uri("http://127.0.0.1:9/v1"));
        var builder = ControlPlaneApplication.CreateBuilder(new ControlPlaneOptions { Url = _controlPlaneUrl.ToString().TrimEnd('/'), InternalToken = InternalToken }, _storage);
        builder.Logging.ClearProviders();
        _controlPlane = builder.Build().UseControlPlane();
        await _controlPlane.StartAsync();
    }

    public async Task DisposeAsync() => await _controlPlane.DisposeAsync();

    [Fact]
    public async Task Subscriber_ReceivesDeltasConfigPartsAndRestores_AndReportsItsPosition()
    {
        var k1 = await _writer.AddKeyAsync();
        var trigger = _controlPlane.Services.GetRequiredService<IReconcileTrigger>();
        var hub = _controlPlane.Services.GetRequiredService<SnapshotHub>();
        trigger.RequestReconcile();
        var store = new SnapshotStore();
        using var subscriber = new ControlPlaneSnapshotSubscriber(
            new GatewayOptions { ControlPlaneUrl = _controlPlaneUrl.ToString(), InternalToken = InternalToken }, store, TimeProvider.System, NullLogger<ControlPlaneSnapshotSubscriber>.Instance);
        await subscriber.StartAsync(CancellationToken.None);
        try
        {
            var first = await WaitForAsync(store, s => s.FindKey(ConfigWriter.PublicId(k1)) is not null);

            // A new key: a delta on the same base, held in the overlay.
            var k2 = await _writer.AddKeyAsync();
            trigger.RequestReconcile();
            var afterKey = await WaitForAsync(store, s => s.FindKey(ConfigWriter.PublicId(k2)) is not null);
            Assert.Equal(first.Keys.BaseId, afterKey.Keys.BaseId);
            Assert.Equal(first.Keys.Sequence + 1, afterKey.Keys.Sequence);
            Assert.True(afterKey.Keys.OverlayCount > 0);
            Assert.Equal(first.Config.ContentId, afterKey.Config.ContentId);

            // A route change: the configuration part alone; keys re-linked, key part untouched.
            await _writer.SetUpstreamModelAsync("gpt-4.1-nano");
            trigger.RequestReconcile();
            var afterRoute = await WaitForAsync(store, s => s.Projects[_writer.ProjectId].Routes["chat"].Targets[0].UpstreamModel == "gpt-4.1-nano");
            Assert.Equal((afterKey.Keys.BaseId, afterKey.Keys.Sequence), (afterRoute.Keys.BaseId, afterRoute.Keys.Sequence));
            Assert.Same(afterRoute.Projects[_writer.ProjectId], afterRoute.FindKey(ConfigWriter.PublicId(k2))!.Consumer.Project);

            // The database is restored to before k2: revisions go backwards, the gateway follows to a new base.
            await using (var db = _writer.Db())
            {
                var k2Id = ConfigWriter.PublicId(k2);
                await db.ApiKeys.Where(k => k.PublicId == k2Id).ExecuteDeleteAsync();
                var keep = await db.ConfigRevisions.OrderBy(r => r.Id).Select(r => r.Id).Take(2).ToListAsync();
                await db.ConfigRevisions.Where(r => !keep.Contains(r.Id)).ExecuteDeleteAsync();
            }

            trigger.RequestReconcile();
            var restored = await WaitForAsync(store, s => s.FindKey(ConfigWriter.PublicId(k2)) is null);
            Assert.NotEqual(afterRoute.Keys.BaseId, restored.Keys.BaseId);
            Assert.True(restored.Revision < afterRoute.Revision, $"restored revision {restored.Revision} should be below {afterRoute.Revision}");
            Assert.NotNull(restored.FindKey(ConfigWriter.PublicId(k1)));

            // The next poll reports the applied position: in sync and healthy.
            var status = await WaitForStatusAsync(hub, subscriber.GatewayId, s => s.InSync);
            Assert.True(status.Healthy);
            Assert.Equal((restored.Keys.BaseId, restored.Keys.Sequence, restored.Config.ContentId), (status.AppliedKeyBaseId, status.AppliedKeySequence, status.AppliedConfigId));
        }
        finally
        {
            await subscriber.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task JournalCompaction_KeepsTheBaseId_SoOnlyGatewaysOutsideTheJournalDownloadTheBase()
    {
        var trigger = _controlPlane.Services.GetRequiredService<IReconcileTrigger>();
        var hub = _controlPlane.Services.GetRequiredService<SnapshotHub>();
        await WaitForHubAsync(hub, s => true);
        var start = hub.CurrentSnapshot!;
        using var http = new HttpClient { BaseAddress = _controlPlaneUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", InternalToken);

        // One revision touching more keys than the control plane's journal keeps: it folds them into the base.
        var keys = Enumerable.Range(0, 10_001).Select(_ => Core.Keys.ApiKeyFormat.Generate()).ToList();
        var rows = keys.Select(k => new Storage.Entities.ApiKey { ConsumerId = _writer.ConsumerId, PublicId = k.PublicId, SecretHash = k.SecretHash, Prefix = "p", CreatedAt = DateTimeOffset.UtcNow }).ToList();
        await _writer.WriteAsync("bulk", db => db.ApiKeys.AddRange(rows), [.. rows.Select(r => (Storage.Entities.ConfigEntityKinds.ApiKey, r.Id, Storage.Entities.ConfigOperation.Created))]);
        trigger.RequestReconcile();
        var after = await WaitForHubAsync(hub, s => s.Keys.Sequence == start.Keys.Sequence + 1);

        // Same base id; a gateway at the new sequence has nothing to fetch…
        Assert.Equal(start.Keys.BaseId, after.Keys.BaseId);
        using (var inSync = await PollAsync(http, after.Config.ContentId, after.Keys.BaseId, after.Keys.Sequence))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotModified, inSync.StatusCode);
        }

        // …one still at the old sequence (now folded away), or claiming a sequence this control plane never served,
        // gets the compacted base at the current sequence and no delta.
        foreach (var sequence in new[] { start.Keys.Sequence, after.Keys.Sequence + 5 })
        {
            using var lagging = await PollAsync(http, after.Config.ContentId, after.Keys.BaseId, sequence);
            Assert.Equal(System.Net.HttpStatusCode.OK, lagging.StatusCode);
            using var update = System.Text.Json.JsonDocument.Parse(await lagging.Content.ReadAsStringAsync());
            var root = update.RootElement;
            Assert.Equal(after.Keys.Sequence, root.GetProperty("keyBaseSequence").GetInt64());
            Assert.Equal(rows.Count, root.GetProperty("keyBase").GetProperty("keys").GetArrayLength());
            Assert.False(root.TryGetProperty("keyDelta", out _));
            Assert.False(root.TryGetProperty("config", out _));
        }
    }

    private static Task<HttpResponseMessage> PollAsync(HttpClient http, string configId, string keyBaseId, long sequence) =>
        http.GetAsync($"/internal/snapshot?wait=0&config={configId}&keys={Uri.EscapeDataString(keyBaseId)}&seq={sequence}");

    private static async Task<ConfigSnapshot> WaitForHubAsync(SnapshotHub hub, Func<ConfigSnapshot, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (hub.CurrentSnapshot is { } snapshot && condition(snapshot))
            {
                return snapshot;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The control plane did not reach the expected state.");
    }

    private static async Task<ConfigSnapshot> WaitForAsync(SnapshotStore store, Func<ConfigSnapshot, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (store.Current is { } snapshot && condition(snapshot))
            {
                return snapshot;
            }

            await Task.Delay(10);
        }

        var current = store.Current;
        throw new TimeoutException($"The gateway's snapshot did not reach the expected state (it has revision {current?.Revision}, config {current?.Config.ContentId}, keys {current?.Keys.BaseId} at {current?.Keys.Sequence}).");
    }

    private static async Task<GatewayStatus> WaitForStatusAsync(SnapshotHub hub, string gatewayId, Func<GatewayStatus, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (hub.DescribeGateways(DateTimeOffset.UtcNow).SingleOrDefault(g => g.GatewayId == gatewayId) is { } status && condition(status))
            {
                return status;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The gateway's report did not reach the expected state.");
    }
}
