using Microsoft.EntityFrameworkCore;
using Npgsql;
using Warden.Core.Keys;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.Tests.Reconcile;

/// <summary>
/// Writes configuration the way the admin API does: the entity change, one <see cref="ConfigRevision"/> and one
/// <see cref="ConfigChange"/> per touched entity in one transaction, then (PostgreSQL) the cross-replica reconcile
/// notification, which is what the control plane's reconcile trigger sends after a commit.
/// </summary>
internal sealed class ConfigWriter
{
    private readonly StorageOptions _storage;

    public ConfigWriter(StorageOptions storage)
    {
        _storage = storage;
    }

    public Guid OrganizationId { get; private set; }

    public Guid ProjectId { get; private set; }

    public Guid ConsumerId { get; private set; }

    public Guid RouteId { get; private set; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of the last write's commit (propagation is measured from it).</summary>
    public long LastCommitTimestamp { get; private set; }

    public WardenDbContext Db() => new WardenDbContextFactory(_storage).CreateDbContext();

    /// <summary>Organization acme, project payments, a mock provider, route <c>chat</c>, service consumer <c>svc</c>.</summary>
    public async Task SeedAsync(Uri providerBaseUrl)
    {
        var now = DateTimeOffset.UtcNow;
        var org = new Organization { Slug = "acme", Name = "Acme", CreatedAt = now, UpdatedAt = now };
        var project = new Project { OrganizationId = org.Id, Slug = "payments", Name = "Payments", CreatedAt = now, UpdatedAt = now };
        var provider = new Provider { ProjectId = project.Id, Name = "mock", Type = ProviderType.Mock, BaseUrl = providerBaseUrl.ToString(), CreatedAt = now, UpdatedAt = now };
        var route = new Route { ProjectId = project.Id, LogicalModel = "chat", Strategy = RouteStrategy.Single, MaxAttempts = 1, CreatedAt = now, UpdatedAt = now };
        route.Targets.Add(new RouteTarget { RouteId = route.Id, ProviderId = provider.Id, UpstreamModel = "gpt-4o-mini", Weight = 1, TimeoutMs = 10_000 });
        var consumer = new Consumer { ProjectId = project.Id, Name = "svc", CreatedAt = now };
        await WriteAsync("seed", db => db.AddRange(org, project, provider, route, consumer),
            (ConfigEntityKinds.Organization, org.Id, ConfigOperation.Created),
            (ConfigEntityKinds.Project, project.Id, ConfigOperation.Created),
            (ConfigEntityKinds.Provider, provider.Id, ConfigOperation.Created),
            (ConfigEntityKinds.Route, route.Id, ConfigOperation.Created),
            (ConfigEntityKinds.Consumer, consumer.Id, ConfigOperation.Created));
        (OrganizationId, ProjectId, ConsumerId, RouteId) = (org.Id, project.Id, consumer.Id, route.Id);
    }

    /// <summary>Adds a mock provider and route <c>chat</c> to an existing project (created through the admin API).</summary>
    public async Task AddProviderAndRouteAsync(Guid projectId, Uri providerBaseUrl)
    {
        var now = DateTimeOffset.UtcNow;
        var provider = new Provider { ProjectId = projectId, Name = "mock", Type = ProviderType.Mock, BaseUrl = providerBaseUrl.ToString(), CreatedAt = now, UpdatedAt = now };
        var route = new Route { ProjectId = projectId, LogicalModel = "chat", Strategy = RouteStrategy.Single, MaxAttempts = 1, CreatedAt = now, UpdatedAt = now };
        route.Targets.Add(new RouteTarget { RouteId = route.Id, ProviderId = provider.Id, UpstreamModel = "gpt-4o-mini", Weight = 1, TimeoutMs = 10_000 });
        await WriteAsync("route.create", db => db.AddRange(provider, route),
            (ConfigEntityKinds.Provider, provider.Id, ConfigOperation.Created), (ConfigEntityKinds.Route, route.Id, ConfigOperation.Created));
        (ProjectId, RouteId) = (projectId, route.Id);
    }

    /// <summary>Creates a key for the seeded consumer; returns the full key text.</summary>
    public async Task<string> AddKeyAsync(Guid? consumerId = null)
    {
        var key = ApiKeyFormat.Generate();
        var row = new ApiKey { ConsumerId = consumerId ?? ConsumerId, PublicId = key.PublicId, SecretHash = key.SecretHash, Prefix = ApiKeyFormat.DisplayPrefix(key.PublicId), CreatedAt = DateTimeOffset.UtcNow };
        await WriteAsync("key.create", db => db.ApiKeys.Add(row), (ConfigEntityKinds.ApiKey, row.Id, ConfigOperation.Created));
        return key.Key;
    }

    /// <summary>Revokes a key (the row stays, <c>revoked_at</c> set).</summary>
    public async Task RevokeAsync(string key)
    {
        var publicId = PublicId(key);
        Guid id = default;
        await WriteAsync("key.revoke", async db =>
        {
            var row = await db.ApiKeys.SingleAsync(k => k.PublicId == publicId);
            row.RevokedAt = DateTimeOffset.UtcNow;
            id = row.Id;
        }, () => [(ConfigEntityKinds.ApiKey, id, ConfigOperation.Updated)]);
    }

    /// <summary>Points route <c>chat</c> at another upstream model.</summary>
    public Task SetUpstreamModelAsync(string model) => WriteAsync("route.update", async db =>
    {
        var target = await db.RouteTargets.SingleAsync(t => t.RouteId == RouteId);
        target.UpstreamModel = model;
    }, () => [(ConfigEntityKinds.Route, RouteId, ConfigOperation.Updated)]);

    public static string PublicId(string key)
    {
        if (!ApiKeyFormat.TryParse(key, out var publicId, out _))
        {
            throw new ArgumentException("Not a Warden key.", nameof(key));
        }

        return publicId.ToString();
    }

    public Task WriteAsync(string reason, Action<WardenDbContext> change, params (string Kind, Guid Id, ConfigOperation Operation)[] changes) =>
        WriteAsync(reason, db =>
        {
            change(db);
            return Task.CompletedTask;
        }, () => changes);

    public async Task WriteAsync(string reason, Func<WardenDbContext, Task> change, Func<IEnumerable<(string Kind, Guid Id, ConfigOperation Operation)>> changes)
    {
        await using (var db = Db())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await change(db);
            var revision = new ConfigRevision { CreatedAt = DateTimeOffset.UtcNow, Reason = reason, Actor = "test" };
            foreach (var (kind, id, operation) in changes())
            {
                revision.Changes.Add(new ConfigChange { EntityKind = kind, EntityId = id, Operation = operation });
            }

            db.ConfigRevisions.Add(revision);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            LastCommitTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        await NotifyAsync();
    }

    /// <summary>Tells every control-plane replica to reconcile now (what IReconcileTrigger does after an API write).</summary>
    public async Task NotifyAsync()
    {
        if (_storage.Kind != DatabaseKind.Postgres)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(_storage.ConnectionString);
        await connection.OpenAsync();
        await using var notify = new NpgsqlCommand("SELECT pg_notify('warden_reconcile', '')", connection);
        await notify.ExecuteNonQueryAsync();
    }
}
