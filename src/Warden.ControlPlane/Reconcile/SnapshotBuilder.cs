using System.Collections.Frozen;
using System.Collections.Immutable;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Pricing;
using Warden.Core.Snapshots;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// Builds the immutable <see cref="ConfigSnapshot"/> gateways enforce from the database: keys, consumers with their
/// groups, projects with routes and providers. The database is the only input, so a restored database yields the
/// restored behaviour.
/// </summary>
public sealed class SnapshotBuilder
{
    private readonly IDbContextFactory<WardenDbContext> _contexts;
    private readonly TimeProvider _time;

    public SnapshotBuilder(IDbContextFactory<WardenDbContext> contexts, TimeProvider time)
    {
        _contexts = contexts;
        _time = time;
    }

    /// <summary>Reads the configuration and builds a snapshot at the current revision.</summary>
    public async Task<ConfigSnapshot> BuildAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var revision = await db.ConfigRevisions.AsNoTracking().MaxAsync(r => (long?)r.Id, cancellationToken) ?? 0;
        var organizations = await db.Organizations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Slug, cancellationToken);
        var providers = await db.Providers.AsNoTracking().ToListAsync(cancellationToken);
        var routes = await db.Routes.AsNoTracking().Include(r => r.Targets).ToListAsync(cancellationToken);
        var projects = await db.Projects.AsNoTracking().ToListAsync(cancellationToken);
        var groups = await db.Groups.AsNoTracking().ToDictionaryAsync(g => g.Id, cancellationToken);
        var projectGroups = await db.ProjectGroups.AsNoTracking().Select(pg => new { pg.ProjectId, pg.GroupId }).ToListAsync(cancellationToken);
        var memberships = await db.GroupMemberships.AsNoTracking().Select(m => new { m.UserId, m.GroupId }).ToListAsync(cancellationToken);
        var consumers = await db.Consumers.AsNoTracking().ToListAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken);
        var prices = await db.Prices.AsNoTracking().ToListAsync(cancellationToken);

        var providerEntries = providers.ToDictionary(p => p.Id, ToEntry);
        var groupEntries = groups.Values.ToDictionary(g => g.Id, g => new GroupEntry(
            g.Id, g.Slug, g.AllowedModels.Count == 0 ? null : g.AllowedModels.ToFrozenSet(StringComparer.Ordinal)));
        var routesByProject = routes.ToLookup(r => r.ProjectId);
        var projectEntries = projects.ToDictionary(p => p.Id, p => new ProjectEntry(
            p.Id,
            p.OrganizationId,
            organizations[p.OrganizationId],
            p.Slug,
            routesByProject[p.Id].ToFrozenDictionary(r => r.LogicalModel, r => ToEntry(r, providerEntries), StringComparer.Ordinal)));

        var groupsOfProject = projectGroups.ToLookup(pg => pg.ProjectId, pg => pg.GroupId);
        var groupsOfUser = memberships.ToLookup(m => m.UserId, m => m.GroupId);
        var consumerEntries = consumers.ToDictionary(c => c.Id, c =>
        {
            var project = projectEntries[c.ProjectId];
            var assigned = groupsOfProject[c.ProjectId].ToHashSet();
            var consumerGroups = c.UserId is { } userId
                ? groupsOfUser[userId].Where(assigned.Contains).Select(id => groupEntries[id]).ToImmutableArray()
                : [];
            return new ConsumerEntry(c.Id, c.Name, project, consumerGroups);
        });

        var keyEntries = keys.Select(k => new KeyEntry(k.Id, k.PublicId, k.SecretHash, consumerEntries[k.ConsumerId], k.ExpiresAt, k.RevokedAt));
        var priceTable = PriceTable.WithOverrides(prices.Select(p => KeyValuePair.Create(
            p.Model, new ModelPrice(p.InputUsdPerMillion, p.OutputUsdPerMillion, p.CacheReadUsdPerMillion, p.CacheWriteUsdPerMillion))));
        return new ConfigSnapshot(revision, _time.GetUtcNow(), keyEntries, projectEntries.Values, priceTable);
    }

    private static ProviderEntry ToEntry(Provider provider)
    {
        var settings = new Dictionary<string, string>(provider.Settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in provider.Headers)
        {
            settings["header:" + name] = value;
        }

        return new ProviderEntry(provider.Id, provider.Name, ToKind(provider.Type), new Uri(provider.BaseUrl), settings.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), provider.CredentialReference);
    }

    private static RouteEntry ToEntry(Route route, Dictionary<Guid, ProviderEntry> providers) => new(
        route.LogicalModel,
        route.Strategy switch
        {
            RouteStrategy.Fallback => RouteStrategyKind.Fallback,
            RouteStrategy.Weighted => RouteStrategyKind.Weighted,
            _ => RouteStrategyKind.Single,
        },
        [.. route.Targets.OrderBy(t => t.Order).Select(t => new RouteTargetEntry(
            providers[t.ProviderId], t.UpstreamModel, t.Weight, TimeSpan.FromMilliseconds(t.TimeoutMs > 0 ? t.TimeoutMs : 60_000)))],
        Math.Max(1, route.MaxAttempts),
        TimeSpan.FromMilliseconds(Math.Max(0, route.BackoffMs)));

    private static ProviderKind ToKind(ProviderType type) => type switch
    {
        ProviderType.AzureOpenAi => ProviderKind.AzureOpenAi,
        ProviderType.Anthropic => ProviderKind.Anthropic,
        ProviderType.Gemini => ProviderKind.Gemini,
        ProviderType.Mock => ProviderKind.Mock,
        _ => ProviderKind.OpenAi,
    };
}
