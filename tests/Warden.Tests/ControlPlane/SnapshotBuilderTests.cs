using Microsoft.Extensions.Time.Testing;
using Warden.ControlPlane.Reconcile;
using Warden.Core.Keys;
using Warden.Core.Pricing;
using Warden.Core.Snapshots;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.Tests.ControlPlane;

/// <summary>The snapshot the control plane builds from a real (SQLite) database.</summary>
public sealed class SnapshotBuilderTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("warden-snap-").FullName, "warden.db");
    private WardenDbContextFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _factory = new WardenDbContextFactory(StorageOptions.ForSqliteFile(_file));
        await new WardenDatabase(_factory).MigrateAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Build_MapsKeysRoutesGroupsAndPrices_WithDatabasePricesOverridingDefaults()
    {
        var key = ApiKeyFormat.Generate();
        var serviceKey = ApiKeyFormat.Generate();
        var now = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var db = _factory.CreateDbContext())
        {
            var org = new Organization { Slug = "acme", Name = "Acme", CreatedAt = now, UpdatedAt = now };
            var project = new Project { OrganizationId = org.Id, Slug = "payments", Name = "Payments", CreatedAt = now, UpdatedAt = now };
            var user = new User { Email = "alice@acme.test", DisplayName = "Alice", CreatedAt = now };
            var interns = new Group { OrganizationId = org.Id, Slug = "interns", Name = "Interns", AllowedModels = ["chat"], CreatedAt = now, UpdatedAt = now };
            var unassigned = new Group { OrganizationId = org.Id, Slug = "elsewhere", Name = "Elsewhere", AllowedModels = ["other"], CreatedAt = now, UpdatedAt = now };
            var provider = new Provider { ProjectId = project.Id, Name = "openai", Type = ProviderType.OpenAi, BaseUrl = "https://api.openai.com/v1", CredentialReference = "env:OPENAI_API_KEY", Headers = { ["OpenAI-Organization"] = "org-1" }, CreatedAt = now, UpdatedAt = now };
            var route = new Route { ProjectId = project.Id, LogicalModel = "chat", Strategy = RouteStrategy.Fallback, MaxAttempts = 2, BackoffMs = 50, CreatedAt = now, UpdatedAt = now };
            route.Targets.Add(new RouteTarget { RouteId = route.Id, ProviderId = provider.Id, UpstreamModel = "gpt-4o-mini", Order = 0, Weight = 1, TimeoutMs = 5_000 });
            var alice = new Consumer { ProjectId = project.Id, UserId = user.Id, Name = "alice", CreatedAt = now };
            var service = new Consumer { ProjectId = project.Id, Name = "batch", CreatedAt = now };
            db.AddRange(org, project, user, interns, unassigned, provider, route, alice, service);
            db.AddRange(
                new GroupMembership { GroupId = interns.Id, UserId = user.Id, CreatedAt = now },
                new GroupMembership { GroupId = unassigned.Id, UserId = user.Id, CreatedAt = now },
                new ProjectGroup { ProjectId = project.Id, GroupId = interns.Id, CreatedAt = now },
                new ApiKey { ConsumerId = alice.Id, PublicId = key.PublicId, SecretHash = key.SecretHash, Prefix = "p", CreatedAt = now },
                new ApiKey { ConsumerId = service.Id, PublicId = serviceKey.PublicId, SecretHash = serviceKey.SecretHash, Prefix = "p", CreatedAt = now, RevokedAt = now },
                new Price { Model = "gpt-4o-mini", InputUsdPerMillion = 0.5m, OutputUsdPerMillion = 1.5m, CacheReadUsdPerMillion = 0.25m, CacheWriteUsdPerMillion = 0m, Source = PriceSource.Manual, UpdatedAt = now },
                new ConfigRevision { CreatedAt = now, Reason = "seed", Actor = "test" });
            await db.SaveChangesAsync();
        }

        var snapshot = await new SnapshotBuilder(_factory, new FakeTimeProvider(now)).BuildAsync(CancellationToken.None);

        Assert.True(snapshot.Revision >= 1);
        var aliceKey = snapshot.FindKey(key.PublicId)!;
        Assert.Equal("acme.payments.alice", aliceKey.Consumer.QualifiedName);
        // Only groups assigned to the project count: "interns" restricts to chat; "elsewhere" is not assigned here.
        Assert.Equal(["interns"], aliceKey.Consumer.Groups.Select(g => g.Slug));
        Assert.True(aliceKey.Consumer.MayUse("chat"));
        var chat = aliceKey.Consumer.Project.Routes["chat"];
        Assert.Equal(RouteStrategyKind.Fallback, chat.Strategy);
        Assert.Equal(2, chat.MaxAttemptsPerTarget);
        var target = Assert.Single(chat.Targets);
        Assert.Equal(TimeSpan.FromSeconds(5), target.Timeout);
        Assert.Equal("org-1", target.Provider.Settings["header:OpenAI-Organization"]);
        Assert.Equal("env:OPENAI_API_KEY", target.Provider.CredentialReference);
        Assert.Empty(snapshot.FindKey(serviceKey.PublicId)!.Consumer.Groups);
        Assert.NotNull(snapshot.FindKey(serviceKey.PublicId)!.RevokedAt);
        Assert.Equal(new ModelPrice(0.5m, 1.5m, 0.25m, 0m), snapshot.Prices.Find("gpt-4o-mini", null));
        Assert.Equal(DefaultPrices.All["gpt-4o"], snapshot.Prices.Find("gpt-4o", null));
    }
}
