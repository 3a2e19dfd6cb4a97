using Warden.Core.Snapshots;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// The effective, merged configuration a project's gateway traffic enforces, read from the snapshot the control plane
/// serves (not from the database), so it shows exactly what gateways received. Secrets never appear: providers and
/// MCP servers carry credential references only.
/// </summary>
public static class EffectiveConfigView
{
    /// <summary>Describes project <paramref name="projectId"/> in <paramref name="snapshot"/>; null when the snapshot has no such project.</summary>
    public static EffectiveConfig? Describe(ConfigSnapshot snapshot, Guid projectId)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Projects.TryGetValue(projectId, out var project))
        {
            return null;
        }

        var settings = project.Settings;
        var providers = project.Routes.Values.SelectMany(r => r.Targets).Select(t => t.Provider).DistinctBy(p => p.Id).OrderBy(p => p.Name, StringComparer.Ordinal);
        var groups = settings.AssignedGroupIds.Select(id => snapshot.Groups.GetValueOrDefault(id)).OfType<GroupEntry>().OrderBy(g => g.Slug, StringComparer.Ordinal).ToList();

        var budgets = new List<BudgetEntry>();
        var limits = new List<LimitEntry>();
        Add(budgets, settings.OrganizationBudget);
        Add(limits, settings.OrganizationLimit);
        Add(budgets, settings.ProjectBudget);
        Add(limits, settings.ProjectLimit);
        foreach (var group in groups)
        {
            Add(budgets, group.Budget);
            Add(limits, group.Limit);
        }

        budgets.AddRange(settings.ConsumerBudgets.Values.OrderBy(b => b.ScopeId));
        limits.AddRange(settings.ConsumerLimits.Values.OrderBy(l => l.ScopeId));

        return new EffectiveConfig(
            project.Id,
            project.OrganizationSlug,
            project.Slug,
            snapshot.Revision,
            snapshot.Config.ContentId,
            snapshot.Keys.BaseId,
            snapshot.Keys.Sequence,
            [.. project.Routes.Values.OrderBy(r => r.LogicalModel, StringComparer.Ordinal).Select(r => new EffectiveRoute(
                r.LogicalModel,
                r.Strategy.ToString().ToLowerInvariant(),
                r.MaxAttemptsPerTarget,
                (int)r.RetryBackoff.TotalMilliseconds,
                [.. r.Targets.Select(t => new EffectiveRouteTarget(t.Provider.Name, TypeName(t.Provider.Kind), t.Provider.BaseUrl.ToString(), t.UpstreamModel, t.Weight, (int)t.Timeout.TotalMilliseconds))]))],
            [.. providers.Select(p => new EffectiveProvider(p.Id, p.Name, TypeName(p.Kind), p.BaseUrl.ToString(), p.CredentialReference,
                p.Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)))],
            [.. groups.Select(g => new EffectiveGroup(g.Id, g.Slug, g.AllowedModels?.Order(StringComparer.Ordinal).ToList()))],
            [.. budgets.Select(b => new EffectiveBudget(ScopeName(b.Scope), b.ScopeId, b.MonthlyUsd))],
            [.. limits.Select(l => new EffectiveLimit(ScopeName(l.Scope), l.ScopeId, l.TokensPerMinute, l.RequestsPerMinute, l.MaxConcurrent))],
            settings.Guardrails is { } g
                ? new EffectiveGuardrails([.. g.CuratedPatternIds], [.. g.CustomPatterns.Select(p => new EffectiveInjectionPattern(p.Id, p.Pattern))],
                    g.PiiRules?.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value == PiiRuleAction.Block ? "block" : "mask", StringComparer.Ordinal))
                : null,
            settings.Cache is { } c
                ? new EffectiveCache(c.Enabled, (int)c.Ttl.TotalSeconds, c.SimilarityThreshold, c.KeyStrategy == CacheKeyKind.Conversation ? "conversation" : "last-message")
                : null,
            settings.SemanticGuard is { } s ? new EffectiveSemanticGuard(s.Enabled, s.Threshold, [.. s.DenyExamples], [.. s.AllowExamples]) : null,
            [.. settings.McpServers.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => new EffectiveMcpServer(
                m.Name, m.BackendUrl.ToString(), (int)m.Timeout.TotalMilliseconds, m.CredentialReference, m.Enabled))],
            PiiRules(settings.Guardrails?.PiiRules, snapshot.Config.PlatformPiiRules));
    }

    /// <summary>A project's own rules win; without them the platform default applies (SPEC G-1).</summary>
    private static EffectivePiiRules PiiRules(IReadOnlyDictionary<string, PiiRuleAction>? project, IReadOnlyDictionary<string, PiiRuleAction>? platform)
    {
        var (source, rules) = project is not null ? ("project", project) : platform is not null ? ("platform", platform) : ("none", null);
        return new EffectivePiiRules(source, rules?.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => kv.Value == PiiRuleAction.Block ? "block" : "mask", StringComparer.Ordinal) ?? []);
    }

    private static void Add<T>(List<T> list, T? item)
        where T : class
    {
        if (item is not null)
        {
            list.Add(item);
        }
    }

    private static string ScopeName(PolicyScope scope) => scope switch
    {
        PolicyScope.Organization => "org",
        PolicyScope.Project => "project",
        PolicyScope.Group => "group",
        _ => "consumer",
    };

    private static string TypeName(ProviderKind kind) => kind switch
    {
        ProviderKind.AzureOpenAi => "azure-openai",
        ProviderKind.Anthropic => "anthropic",
        ProviderKind.Gemini => "gemini",
        ProviderKind.Mock => "mock",
        _ => "openai",
    };
}
