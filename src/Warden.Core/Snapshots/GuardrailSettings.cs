using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Warden.Core.Snapshots;

/// <summary>A project's guardrail settings as stored (enforcement compiles them off the hot path).</summary>
/// <param name="CuratedPatternIds">Enabled prompt-injection patterns of the curated library.</param>
/// <param name="CustomPatterns">The project's own prompt-injection regexes.</param>
/// <param name="PiiRules">PII kind → action; null inherits the platform default.</param>
public sealed record GuardrailSettings(
    ImmutableArray<string> CuratedPatternIds,
    ImmutableArray<InjectionPatternEntry> CustomPatterns,
    FrozenDictionary<string, PiiRuleAction>? PiiRules);
