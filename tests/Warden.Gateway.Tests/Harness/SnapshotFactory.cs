using System.Collections.Frozen;
using System.Collections.Immutable;
using Warden.Core.Keys;
using Warden.Core.Snapshots;

namespace Warden.Gateway.Tests.Harness;

/// <summary>Builds configuration snapshots for tests: one org/project, providers, routes, consumers and keys.</summary>
public sealed class SnapshotFactory
{
    private readonly List<ProviderEntry> _providers = [];
    private readonly Dictionary<string, RouteEntry> _routes = new(StringComparer.Ordinal);
    private readonly List<(string Name, ImmutableArray<GroupEntry> Groups, DateTimeOffset? Expires, DateTimeOffset? Revoked, GeneratedApiKey Key)> _keys = [];

    public SnapshotFactory(string organization = "acme", string project = "payments")
    {
        Organization = organization;
        Project = project;
    }

    public string Organization { get; }

    public string Project { get; }

    public Guid ProjectId { get; } = Guid.NewGuid();

    public Guid OrganizationId { get; } = Guid.NewGuid();

    /// <summary>The project's guardrail settings (null: none of its own).</summary>
    public GuardrailSettings? Guardrails { get; set; }

    /// <summary>A monthly USD budget on the project (null: none).</summary>
    public decimal? ProjectBudgetUsd { get; set; }

    /// <summary>The platform's default PII rules (null: none).</summary>
    public IDictionary<string, PiiRuleAction>? PlatformPiiRules { get; set; }

    public ProviderEntry AddProvider(string name, ProviderKind kind, Uri baseUrl, string? credentialReference = null, IDictionary<string, string>? settings = null)
    {
        var provider = new ProviderEntry(Guid.NewGuid(), name, kind, baseUrl, (settings ?? new Dictionary<string, string>()).ToFrozenDictionary(), credentialReference);
        _providers.Add(provider);
        return provider;
    }

    public SnapshotFactory AddRoute(string logicalModel, RouteStrategyKind strategy, params (ProviderEntry Provider, string UpstreamModel)[] targets) =>
        AddRoute(logicalModel, strategy, TimeSpan.FromSeconds(5), 1, targets);

    public SnapshotFactory AddRoute(string logicalModel, RouteStrategyKind strategy, TimeSpan timeout, int maxAttemptsPerTarget, params (ProviderEntry Provider, string UpstreamModel)[] targets)
    {
        _routes[logicalModel] = new RouteEntry(
            logicalModel,
            strategy,
            [.. targets.Select(t => new RouteTargetEntry(t.Provider, t.UpstreamModel, 1, timeout))],
            maxAttemptsPerTarget,
            TimeSpan.FromMilliseconds(10));
        return this;
    }

    /// <summary>Adds a consumer with one key and returns the key text.</summary>
    public string AddKey(string consumer = "alice", IEnumerable<GroupEntry>? groups = null, DateTimeOffset? expires = null, DateTimeOffset? revoked = null)
    {
        var key = ApiKeyFormat.Generate();
        _keys.Add((consumer, [.. groups ?? []], expires, revoked, key));
        return key.Key;
    }

    public ConfigSnapshot Build(long revision = 1)
    {
        var project = new ProjectEntry(ProjectId, OrganizationId, Organization, Project, _routes.ToFrozenDictionary(StringComparer.Ordinal),
            ProjectSettings.Empty with
            {
                Guardrails = Guardrails,
                ProjectBudget = ProjectBudgetUsd is { } usd ? new BudgetEntry(PolicyScope.Project, ProjectId, usd) : null,
            });
        var consumers = new Dictionary<string, ConsumerEntry>(StringComparer.Ordinal);
        var keys = new List<KeyEntry>();
        foreach (var (name, groups, expires, revoked, key) in _keys)
        {
            var consumer = new ConsumerEntry(Guid.NewGuid(), name + (consumers.ContainsKey(name) ? "-" + consumers.Count : ""), project, groups);
            consumers[consumer.Name] = consumer;
            keys.Add(new KeyEntry(Guid.NewGuid(), key.PublicId, key.SecretHash, consumer, expires, revoked));
        }

        var config = new ConfigPart("", [project], keys.SelectMany(k => k.Consumer.Groups))
        {
            PlatformPiiRules = PlatformPiiRules?.ToFrozenDictionary(StringComparer.Ordinal),
        };
        return new ConfigSnapshot(revision, DateTimeOffset.UtcNow, config, KeySet.Create("", 0, [], keys));
    }
}
