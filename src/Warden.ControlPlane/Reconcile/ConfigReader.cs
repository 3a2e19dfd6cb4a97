using Microsoft.EntityFrameworkCore;
using Warden.Core.Snapshots;
using Warden.Core.Snapshots.Wire;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// Reads the configuration part (everything except consumers and keys) from the database into its wire form, in a
/// deterministic order so the same database content always serializes to the same bytes and content id.
/// </summary>
internal static class ConfigReader
{
    public static async Task<ConfigWire> ReadAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        var organizations = await db.Organizations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Slug, cancellationToken);
        var projects = await db.Projects.AsNoTracking().ToListAsync(cancellationToken);
        var providers = (await db.Providers.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(p => p.ProjectId);
        var routes = (await db.Routes.AsNoTracking().Include(r => r.Targets).ToListAsync(cancellationToken)).ToLookup(r => r.ProjectId);
        var groups = await db.Groups.AsNoTracking().ToListAsync(cancellationToken);
        var budgets = await db.Budgets.AsNoTracking().ToListAsync(cancellationToken);
        var limits = await db.Limits.AsNoTracking().ToListAsync(cancellationToken);
        var guardrails = await db.GuardrailConfigs.AsNoTracking().ToDictionaryAsync(g => g.ProjectId, cancellationToken);
        var caches = await db.CacheConfigs.AsNoTracking().ToDictionaryAsync(c => c.ProjectId, cancellationToken);
        var guards = await db.SemanticGuardConfigs.AsNoTracking().ToDictionaryAsync(s => s.ProjectId, cancellationToken);
        var mcpServers = (await db.McpServers.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(m => m.ProjectId);
        var prices = await db.Prices.AsNoTracking().ToListAsync(cancellationToken);
        var platformPii = await PlatformPiiDefault.ReadAsync(db, cancellationToken);
        var assignments = (await db.ProjectGroups.AsNoTracking().Select(pg => new { pg.ProjectId, pg.GroupId }).ToListAsync(cancellationToken))
            .ToLookup(pg => pg.ProjectId, pg => pg.GroupId);

        var orgBudgets = budgets.Where(b => b.Scope == ScopeKind.Org).ToDictionary(b => b.ScopeId);
        var orgLimits = limits.Where(l => l.Scope == ScopeKind.Org).ToDictionary(l => l.ScopeId);
        var projectBudgets = budgets.Where(b => b.Scope is ScopeKind.Project or ScopeKind.Consumer && b.ProjectId is not null).ToLookup(b => b.ProjectId!.Value);
        var projectLimits = limits.Where(l => l.Scope is ScopeKind.Project or ScopeKind.Consumer && l.ProjectId is not null).ToLookup(l => l.ProjectId!.Value);
        var groupBudgets = budgets.Where(b => b.Scope == ScopeKind.Group).ToDictionary(b => b.ScopeId);
        var groupLimits = limits.Where(l => l.Scope == ScopeKind.Group).ToDictionary(l => l.ScopeId);

        return new ConfigWire
        {
            Projects = [.. projects.OrderBy(p => p.Id).Select(p => new ProjectWire
            {
                Id = p.Id,
                OrganizationId = p.OrganizationId,
                OrganizationSlug = organizations.GetValueOrDefault(p.OrganizationId) ?? "",
                Slug = p.Slug,
                Providers = [.. providers[p.Id].OrderBy(v => v.Id).Select(ToWire)],
                Routes = [.. routes[p.Id].OrderBy(r => r.LogicalModel, StringComparer.Ordinal).Select(ToWire)],
                Budgets =
                [
                    .. orgBudgets.TryGetValue(p.OrganizationId, out var ob) ? [ToWire(ob)] : Array.Empty<BudgetWire>(),
                    .. projectBudgets[p.Id].OrderBy(b => b.Scope).ThenBy(b => b.ScopeId).Select(ToWire),
                ],
                Limits =
                [
                    .. orgLimits.TryGetValue(p.OrganizationId, out var ol) ? [ToWire(ol)] : Array.Empty<LimitWire>(),
                    .. projectLimits[p.Id].OrderBy(l => l.Scope).ThenBy(l => l.ScopeId).Select(ToWire),
                ],
                Guardrails = guardrails.TryGetValue(p.Id, out var g) ? ToWire(g) : null,
                Cache = caches.TryGetValue(p.Id, out var c) ? new CacheWire
                {
                    Enabled = c.Enabled,
                    TtlSeconds = c.TtlSeconds,
                    SimilarityThreshold = c.SimilarityThreshold,
                    KeyStrategy = c.KeyStrategy == CacheKeyStrategy.Conversation ? CacheKeyKind.Conversation : CacheKeyKind.LastMessage,
                } : null,
                SemanticGuard = guards.TryGetValue(p.Id, out var s) ? new SemanticGuardWire
                {
                    Enabled = s.Enabled,
                    Threshold = s.Threshold,
                    DenyExamples = [.. s.DenyExamples],
                    AllowExamples = [.. s.AllowExamples],
                } : null,
                McpServers = [.. mcpServers[p.Id].OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => new McpServerWire
                {
                    Id = m.Id,
                    Name = m.Name,
                    BackendUrl = m.BackendUrl,
                    TimeoutMs = m.TimeoutMs > 0 ? m.TimeoutMs : 60_000,
                    CredentialReference = m.CredentialReference,
                    Enabled = m.Enabled,
                })],
                GroupIds = [.. assignments[p.Id].Distinct().Order()],
            })],
            Groups = [.. groups.OrderBy(g => g.Id).Select(g => new GroupWire
            {
                Id = g.Id,
                Slug = g.Slug,
                AllowedModels = g.AllowedModels.Count == 0 ? null : [.. g.AllowedModels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                Budget = groupBudgets.TryGetValue(g.Id, out var gb) ? ToWire(gb) : null,
                Limit = groupLimits.TryGetValue(g.Id, out var gl) ? ToWire(gl) : null,
            })],
            Prices = [.. prices.OrderBy(p => p.Model, StringComparer.Ordinal).Select(p => new PriceWire
            {
                Model = p.Model,
                Input = p.InputUsdPerMillion,
                Output = p.OutputUsdPerMillion,
                CacheRead = p.CacheReadUsdPerMillion,
                CacheWrite = p.CacheWriteUsdPerMillion,
            })],
            PlatformPiiRules = platformPii is { } pii ? PlatformPiiDefault.ToWire(pii.Rules) : null,
        };
    }

    private static ProviderWire ToWire(Provider provider)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in provider.Settings)
        {
            settings[name] = value;
        }

        foreach (var (name, value) in provider.Headers)
        {
            settings["header:" + name] = value;
        }

        return new ProviderWire
        {
            Id = provider.Id,
            Name = provider.Name,
            Kind = provider.Type switch
            {
                ProviderType.AzureOpenAi => ProviderKind.AzureOpenAi,
                ProviderType.Anthropic => ProviderKind.Anthropic,
                ProviderType.Gemini => ProviderKind.Gemini,
                ProviderType.Mock => ProviderKind.Mock,
                _ => ProviderKind.OpenAi,
            },
            BaseUrl = provider.BaseUrl,
            // Inserted in ordinal order so the serialized form (and the content id) is stable.
            Settings = settings.ToDictionary(kv => kv.Key, kv => kv.Value),
            CredentialReference = provider.CredentialReference,
        };
    }

    private static RouteWire ToWire(Route route) => new()
    {
        LogicalModel = route.LogicalModel,
        Strategy = route.Strategy switch
        {
            RouteStrategy.Fallback => RouteStrategyKind.Fallback,
            RouteStrategy.Weighted => RouteStrategyKind.Weighted,
            _ => RouteStrategyKind.Single,
        },
        MaxAttemptsPerTarget = Math.Max(1, route.MaxAttempts),
        RetryBackoffMs = Math.Max(0, route.BackoffMs),
        Targets = [.. route.Targets.OrderBy(t => t.Order).ThenBy(t => t.Id).Select(t => new RouteTargetWire
        {
            ProviderId = t.ProviderId,
            UpstreamModel = t.UpstreamModel,
            Weight = t.Weight,
            TimeoutMs = t.TimeoutMs > 0 ? t.TimeoutMs : 60_000,
        })],
    };

    private static GuardrailWire ToWire(GuardrailConfig config) => new()
    {
        CuratedPatternIds = [.. config.CuratedPatternIds],
        CustomPatterns = [.. config.CustomPatterns.Select(p => new InjectionPatternWire { Id = p.Id, Pattern = p.Pattern })],
        PiiRules = config.PiiRules?.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => kv.Value == PiiAction.Block ? PiiRuleAction.Block : PiiRuleAction.Mask, StringComparer.Ordinal),
    };

    private static BudgetWire ToWire(Budget budget) => new() { Scope = ToScope(budget.Scope), ScopeId = budget.ScopeId, MonthlyUsd = budget.MonthlyUsd };

    private static LimitWire ToWire(Limit limit) => new()
    {
        Scope = ToScope(limit.Scope),
        ScopeId = limit.ScopeId,
        TokensPerMinute = limit.TokensPerMinute,
        RequestsPerMinute = limit.RequestsPerMinute,
        MaxConcurrent = limit.MaxConcurrent,
    };

    private static PolicyScope ToScope(ScopeKind scope) => scope switch
    {
        ScopeKind.Org => PolicyScope.Organization,
        ScopeKind.Project => PolicyScope.Project,
        ScopeKind.Group => PolicyScope.Group,
        _ => PolicyScope.Consumer,
    };
}
