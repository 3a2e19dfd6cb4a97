namespace Warden.ControlPlane.Reconcile;

/// <summary>What a project's gateway traffic enforces, as served in the current snapshot (the console's "Review").</summary>
/// <param name="ProjectId">Project id.</param>
/// <param name="Organization">Organization slug.</param>
/// <param name="Project">Project slug.</param>
/// <param name="Revision">Snapshot revision.</param>
/// <param name="ConfigId">Content id of the configuration part.</param>
/// <param name="KeyBaseId">Key base id.</param>
/// <param name="KeySequence">Key sequence.</param>
/// <param name="Routes">Logical models and their targets.</param>
/// <param name="Providers">Providers (credential references only, never values).</param>
/// <param name="Groups">Groups assigned to the project, with their model allow-lists.</param>
/// <param name="Budgets">Budgets that apply to the project's traffic at every scope.</param>
/// <param name="Limits">Limits that apply to the project's traffic at every scope.</param>
/// <param name="Guardrails">Guardrail settings (null: defaults).</param>
/// <param name="Cache">Semantic cache settings (null: off).</param>
/// <param name="SemanticGuard">Semantic guard settings (null: off).</param>
/// <param name="McpServers">MCP servers.</param>
/// <param name="PiiRules">The PII rules the project's traffic enforces and where they come from.</param>
public sealed record EffectiveConfig(
    Guid ProjectId,
    string Organization,
    string Project,
    long Revision,
    string ConfigId,
    string KeyBaseId,
    long KeySequence,
    IReadOnlyList<EffectiveRoute> Routes,
    IReadOnlyList<EffectiveProvider> Providers,
    IReadOnlyList<EffectiveGroup> Groups,
    IReadOnlyList<EffectiveBudget> Budgets,
    IReadOnlyList<EffectiveLimit> Limits,
    EffectiveGuardrails? Guardrails,
    EffectiveCache? Cache,
    EffectiveSemanticGuard? SemanticGuard,
    IReadOnlyList<EffectiveMcpServer> McpServers,
    EffectivePiiRules PiiRules);

/// <summary>
/// The PII rules in force for a project: its own (<c>source</c> <c>project</c>), else the platform default
/// (<c>platform</c>), else none (<c>none</c>: no PII scanning).
/// </summary>
public sealed record EffectivePiiRules(string Source, IReadOnlyDictionary<string, string> Rules);

/// <summary>A logical model.</summary>
public sealed record EffectiveRoute(string LogicalModel, string Strategy, int MaxAttemptsPerTarget, int RetryBackoffMs, IReadOnlyList<EffectiveRouteTarget> Targets);

/// <summary>One target of a route.</summary>
public sealed record EffectiveRouteTarget(string Provider, string ProviderType, string BaseUrl, string UpstreamModel, int Weight, int TimeoutMs);

/// <summary>A provider; <paramref name="CredentialReference"/> names where the secret lives, never the secret.</summary>
public sealed record EffectiveProvider(Guid Id, string Name, string Type, string BaseUrl, string? CredentialReference, IReadOnlyDictionary<string, string> Settings);

/// <summary>A group assigned to the project.</summary>
public sealed record EffectiveGroup(Guid Id, string Slug, IReadOnlyList<string>? AllowedModels);

/// <summary>A budget at a scope (<c>org</c>, <c>project</c>, <c>group</c>, <c>consumer</c>).</summary>
public sealed record EffectiveBudget(string Scope, Guid ScopeId, decimal MonthlyUsd);

/// <summary>Limits at a scope (<c>org</c>, <c>project</c>, <c>group</c>, <c>consumer</c>).</summary>
public sealed record EffectiveLimit(string Scope, Guid ScopeId, long TokensPerMinute, int? RequestsPerMinute, int? MaxConcurrent);

/// <summary>Guardrail settings.</summary>
public sealed record EffectiveGuardrails(IReadOnlyList<string> CuratedPatternIds, IReadOnlyList<EffectiveInjectionPattern> CustomPatterns, IReadOnlyDictionary<string, string>? PiiRules);

/// <summary>A custom injection pattern.</summary>
public sealed record EffectiveInjectionPattern(string Id, string Pattern);

/// <summary>Semantic cache settings.</summary>
public sealed record EffectiveCache(bool Enabled, int TtlSeconds, double SimilarityThreshold, string KeyStrategy);

/// <summary>Semantic guard settings.</summary>
public sealed record EffectiveSemanticGuard(bool Enabled, double Threshold, IReadOnlyList<string> DenyExamples, IReadOnlyList<string> AllowExamples);

/// <summary>An MCP server; <paramref name="CredentialReference"/> is a reference, never a value.</summary>
public sealed record EffectiveMcpServer(string Name, string BackendUrl, int TimeoutMs, string? CredentialReference, bool Enabled);
