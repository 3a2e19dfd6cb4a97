using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Warden.ControlPlane.Reconcile;
using Warden.Storage;
using Warden.Storage.Entities;
using Warden.Testing;

namespace Warden.Tests.Reconcile;

/// <summary>The incremental reconcile against a real PostgreSQL database: what kind of work each change causes.</summary>
public sealed class IncrementalSnapshotBuilderTests : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly PostgresDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
    private ConfigWriter _writer = null!;
    private SnapshotHub _hub = null!;
    private IncrementalSnapshotBuilder _builder = null!;

    public IncrementalSnapshotBuilderTests(PostgresDatabase database)
    {
        _database = database;
    }

    public async Task InitializeAsync()
    {
        var storage = StorageOptions.ForPostgres(_database.ConnectionString);
        var factory = new WardenDbContextFactory(storage);
        await new WardenDatabase(factory).MigrateAsync();
        // Each test starts from an empty configuration (one database per class).
        await using (var db = factory.CreateDbContext())
        {
            await db.Organizations.ExecuteDeleteAsync();
            await db.ConfigRevisions.ExecuteDeleteAsync();
        }

        _writer = new ConfigWriter(storage);
        await _writer.SeedAsync(new Uri("http://127.0.0.1:9/v1"));
        _hub = new SnapshotHub();
        _builder = new IncrementalSnapshotBuilder(factory, _hub, _time);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task KeyChanges_AppendDeltasOnly_OnTheSameKeyBase()
    {
        var k1 = await _writer.AddKeyAsync();
        var start = await _builder.ReconcileAsync(full: false, CancellationToken.None);
        var baseId = _builder.KeyBaseId;
        var configId = _hub.CurrentSnapshot!.Config.ContentId;

        var k2 = await _writer.AddKeyAsync();
        var created = await _builder.ReconcileAsync(full: false, CancellationToken.None);
        await _writer.RevokeAsync(k1);
        var revoked = await _builder.ReconcileAsync(full: false, CancellationToken.None);
        var idle = await _builder.ReconcileAsync(full: false, CancellationToken.None);

        Assert.Equal((ReconcileKind.Full, true), (start.Kind, start.NewKeyBase));
        Assert.Equal((ReconcileKind.KeyDelta, false, false, 1), (created.Kind, created.ConfigChanged, created.NewKeyBase, created.KeyDeltaEntries));
        Assert.Equal((ReconcileKind.KeyDelta, false, false, 1), (revoked.Kind, revoked.ConfigChanged, revoked.NewKeyBase, revoked.KeyDeltaEntries));
        Assert.Equal(ReconcileKind.None, idle.Kind);
        var snapshot = _hub.CurrentSnapshot!;
        Assert.Equal((baseId, 2L, configId), (snapshot.Keys.BaseId, snapshot.Keys.Sequence, snapshot.Config.ContentId));
        Assert.NotNull(snapshot.FindKey(ConfigWriter.PublicId(k1))!.RevokedAt);
        Assert.Null(snapshot.FindKey(ConfigWriter.PublicId(k2))!.RevokedAt);
        Assert.Equal(revoked.Revision, snapshot.Revision);
        Assert.True(revoked.Revision > created.Revision);
    }

    [Fact]
    public async Task RouteChange_RebuildsTheConfigPartOnly_AndRelinksKeys()
    {
        var k1 = await _writer.AddKeyAsync();
        await _builder.ReconcileAsync(full: false, CancellationToken.None);
        var before = _hub.CurrentSnapshot!;

        await _writer.SetUpstreamModelAsync("gpt-4.1-mini");
        var outcome = await _builder.ReconcileAsync(full: false, CancellationToken.None);

        Assert.Equal((ReconcileKind.Incremental, true, false, 0), (outcome.Kind, outcome.ConfigChanged, outcome.NewKeyBase, outcome.KeyDeltaEntries));
        var after = _hub.CurrentSnapshot!;
        Assert.NotEqual(before.Config.ContentId, after.Config.ContentId);
        Assert.Equal((before.Keys.BaseId, before.Keys.Sequence), (after.Keys.BaseId, after.Keys.Sequence));
        var key = after.FindKey(ConfigWriter.PublicId(k1))!;
        Assert.Same(after.Projects[_writer.ProjectId], key.Consumer.Project);
        Assert.Equal("gpt-4.1-mini", key.Consumer.Project.Routes["chat"].Targets[0].UpstreamModel);
        Assert.Equal("gpt-4o-mini", before.FindKey(ConfigWriter.PublicId(k1))!.Consumer.Project.Routes["chat"].Targets[0].UpstreamModel);
    }

    [Fact]
    public async Task RevisionGoingBackwards_RebuildsEverything_WithANewKeyBase()
    {
        var k1 = await _writer.AddKeyAsync();
        await _builder.ReconcileAsync(full: false, CancellationToken.None);
        var k2 = await _writer.AddKeyAsync();
        await _writer.RevokeAsync(k1);
        var beforeRestore = await _builder.ReconcileAsync(full: false, CancellationToken.None);
        var oldBase = _builder.KeyBaseId;

        // "Restore" the database to the state before k2 and the revocation: rows and revisions go back.
        await using (var db = _writer.Db())
        {
            var k2Id = ConfigWriter.PublicId(k2);
            var k1Id = ConfigWriter.PublicId(k1);
            await db.ApiKeys.Where(k => k.PublicId == k2Id).ExecuteDeleteAsync();
            await db.ApiKeys.Where(k => k.PublicId == k1Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, (DateTimeOffset?)null));
            var keep = await db.ConfigRevisions.OrderBy(r => r.Id).Select(r => r.Id).Take(2).ToListAsync();
            await db.ConfigRevisions.Where(r => !keep.Contains(r.Id)).ExecuteDeleteAsync();
        }

        var restored = await _builder.ReconcileAsync(full: false, CancellationToken.None);

        Assert.Equal((ReconcileKind.Full, "revision history changed", true), (restored.Kind, restored.Reason, restored.NewKeyBase));
        Assert.True(restored.Revision < beforeRestore.Revision);
        Assert.NotEqual(oldBase, _builder.KeyBaseId);
        var snapshot = _hub.CurrentSnapshot!;
        Assert.Equal(0, snapshot.Keys.Sequence);
        Assert.Null(snapshot.FindKey(ConfigWriter.PublicId(k2)));
        Assert.Null(snapshot.FindKey(ConfigWriter.PublicId(k1))!.RevokedAt);
    }

    [Fact]
    public async Task PeriodicFullCheck_WithUnchangedContent_KeepsTheKeyBase_AndDirectEditsStartANewOne()
    {
        var k1 = await _writer.AddKeyAsync();
        await _builder.ReconcileAsync(full: false, CancellationToken.None);
        var baseId = _builder.KeyBaseId;

        var unchanged = await _builder.ReconcileAsync(full: true, CancellationToken.None);
        var baseAfterUnchanged = _builder.KeyBaseId;
        await using (var db = _writer.Db())
        {
            // A direct edit that records no revision: only the full check can see it.
            var id = ConfigWriter.PublicId(k1);
            await db.ApiKeys.Where(k => k.PublicId == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTimeOffset.UtcNow));
        }

        var incremental = await _builder.ReconcileAsync(full: false, CancellationToken.None);
        var full = await _builder.ReconcileAsync(full: true, CancellationToken.None);

        Assert.Equal((ReconcileKind.Full, false, false), (unchanged.Kind, unchanged.NewKeyBase, unchanged.ConfigChanged));
        Assert.Equal(baseId, baseAfterUnchanged);
        Assert.NotEqual(baseId, _builder.KeyBaseId);
        Assert.Equal(ReconcileKind.None, incremental.Kind);
        Assert.True(full.NewKeyBase);
        Assert.NotNull(_hub.CurrentSnapshot!.FindKey(ConfigWriter.PublicId(k1))!.RevokedAt);
    }

    [Fact]
    public async Task RevisionWithoutChangeRows_FallsBackToAFullRead()
    {
        await _builder.ReconcileAsync(full: false, CancellationToken.None);
        var key = Core.Keys.ApiKeyFormat.Generate();
        await using (var db = _writer.Db())
        {
            db.ApiKeys.Add(new ApiKey { ConsumerId = _writer.ConsumerId, PublicId = key.PublicId, SecretHash = key.SecretHash, Prefix = "p", CreatedAt = DateTimeOffset.UtcNow });
            db.ConfigRevisions.Add(new ConfigRevision { CreatedAt = DateTimeOffset.UtcNow, Reason = "manual", Actor = "dba" });
            await db.SaveChangesAsync();
        }

        var outcome = await _builder.ReconcileAsync(full: false, CancellationToken.None);

        Assert.Equal((ReconcileKind.Full, "revision without change rows"), (outcome.Kind, outcome.Reason));
        Assert.NotNull(_hub.CurrentSnapshot!.FindKey(key.PublicId));
    }

    [Fact]
    public async Task GroupMembershipChange_UpdatesTheUsersConsumers_ThroughAKeyDelta()
    {
        var now = DateTimeOffset.UtcNow;
        var user = new User { Email = "alice@acme.test", DisplayName = "Alice", CreatedAt = now };
        var alice = new Consumer { ProjectId = _writer.ProjectId, UserId = user.Id, Name = "alice", CreatedAt = now };
        var group = new Group { OrganizationId = _writer.OrganizationId, Slug = "interns", Name = "Interns", AllowedModels = ["chat"], CreatedAt = now, UpdatedAt = now };
        await _writer.WriteAsync("setup", db =>
        {
            db.AddRange(user, alice, group, new ProjectGroup { ProjectId = _writer.ProjectId, GroupId = group.Id, CreatedAt = now });
        }, (ConfigEntityKinds.User, user.Id, ConfigOperation.Created), (ConfigEntityKinds.Consumer, alice.Id, ConfigOperation.Created), (ConfigEntityKinds.Group, group.Id, ConfigOperation.Created));
        var key = await _writer.AddKeyAsync(alice.Id);
        await _builder.ReconcileAsync(full: false, CancellationToken.None);
        Assert.Empty(_hub.CurrentSnapshot!.FindKey(ConfigWriter.PublicId(key))!.Consumer.Groups);

        await _writer.WriteAsync("group.member.add", db => db.GroupMemberships.Add(new GroupMembership { GroupId = group.Id, UserId = user.Id, CreatedAt = now }),
            (ConfigEntityKinds.Group, group.Id, ConfigOperation.Updated));
        var outcome = await _builder.ReconcileAsync(full: false, CancellationToken.None);

        Assert.Equal((ReconcileKind.Incremental, false, 1), (outcome.Kind, outcome.NewKeyBase, outcome.KeyDeltaEntries));
        var consumer = _hub.CurrentSnapshot!.FindKey(ConfigWriter.PublicId(key))!.Consumer;
        Assert.Equal(["interns"], consumer.Groups.Select(g => g.Slug));
        Assert.False(consumer.MayUse("other"));
    }

    [Fact]
    public async Task EffectiveConfig_DescribesWhatTheProjectsTrafficEnforces_WithReferencesOnly()
    {
        var now = DateTimeOffset.UtcNow;
        await _writer.WriteAsync("settings", db =>
        {
            db.Budgets.Add(new Budget { Scope = ScopeKind.Project, ScopeId = _writer.ProjectId, OrganizationId = _writer.OrganizationId, ProjectId = _writer.ProjectId, MonthlyUsd = 100m, CreatedAt = now, UpdatedAt = now });
            db.Limits.Add(new Limit { Scope = ScopeKind.Org, ScopeId = _writer.OrganizationId, OrganizationId = _writer.OrganizationId, TokensPerMinute = 50_000, CreatedAt = now, UpdatedAt = now });
            db.CacheConfigs.Add(new CacheConfig { ProjectId = _writer.ProjectId, Enabled = true, TtlSeconds = 300, SimilarityThreshold = 0.9, KeyStrategy = CacheKeyStrategy.LastMessage, UpdatedAt = now });
            db.McpServers.Add(new McpServer { ProjectId = _writer.ProjectId, Name = "github", BackendUrl = "http://mcp.test/github", TimeoutMs = 15_000, CredentialReference = "env:GITHUB_TOKEN", Enabled = true, CreatedAt = now, UpdatedAt = now });
        }, (ConfigEntityKinds.Budget, Guid.NewGuid(), ConfigOperation.Created), (ConfigEntityKinds.Cache, _writer.ProjectId, ConfigOperation.Created));
        await _builder.ReconcileAsync(full: false, CancellationToken.None);

        var view = EffectiveConfigView.Describe(_hub.CurrentSnapshot!, _writer.ProjectId)!;

        Assert.Equal(("acme", "payments"), (view.Organization, view.Project));
        var route = Assert.Single(view.Routes);
        Assert.Equal(("chat", "single"), (route.LogicalModel, route.Strategy));
        Assert.Equal(new EffectiveRouteTarget("mock", "mock", "http://127.0.0.1:9/v1", "gpt-4o-mini", 1, 10_000), Assert.Single(route.Targets));
        Assert.Equal(new EffectiveBudget("project", _writer.ProjectId, 100m), Assert.Single(view.Budgets));
        Assert.Equal(new EffectiveLimit("org", _writer.OrganizationId, 50_000, null, null), Assert.Single(view.Limits));
        Assert.Equal(new EffectiveCache(true, 300, 0.9, "last-message"), view.Cache);
        Assert.Equal(new EffectiveMcpServer("github", "http://mcp.test/github", 15_000, "env:GITHUB_TOKEN", true), Assert.Single(view.McpServers));
        Assert.Equal(_hub.CurrentSnapshot!.Config.ContentId, view.ConfigId);
        Assert.Null(EffectiveConfigView.Describe(_hub.CurrentSnapshot!, Guid.NewGuid()));
    }
}
