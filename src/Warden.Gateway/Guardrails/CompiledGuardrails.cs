using System.Collections.Frozen;
using System.Collections.Immutable;
using Warden.Core.Guardrails;
using Warden.Core.Snapshots;

namespace Warden.Gateway.Guardrails;

/// <summary>
/// A project's guardrails compiled for the hot path: the PII scanner for every kind with a rule, which kinds block
/// (the rest mask), and the prompt-injection regexes. Built off the hot path when a snapshot is applied.
/// </summary>
internal sealed class CompiledGuardrails
{
    private readonly uint _blockKinds;

    public CompiledGuardrails(PiiScanner? scanner, uint blockKinds, ImmutableArray<CompiledPattern> patterns, ImmutableArray<PatternGroup> patternGroups, FrozenDictionary<string, PiiRuleAction>? platformRules)
    {
        Scanner = scanner;
        _blockKinds = blockKinds;
        Patterns = patterns;
        PatternGroups = patternGroups;
        PlatformRules = platformRules;
    }

    /// <summary>Detects every PII kind that has a rule; null when no kind has one.</summary>
    public PiiScanner? Scanner { get; }

    /// <summary>Prompt-injection patterns, curated first, then the project's own.</summary>
    public ImmutableArray<CompiledPattern> Patterns { get; }

    /// <summary>The patterns grouped for one pass per group (<see cref="PatternGroup"/>).</summary>
    public ImmutableArray<PatternGroup> PatternGroups { get; }

    /// <summary>The platform rules this was compiled with (a project inheriting them recompiles when they change).</summary>
    public FrozenDictionary<string, PiiRuleAction>? PlatformRules { get; }

    /// <summary>True when there is nothing to check.</summary>
    public bool IsEmpty => Scanner is null && Patterns.IsEmpty;

    /// <summary>Whether a match of <paramref name="kind"/> blocks the request (otherwise it is masked).</summary>
    public bool Blocks(PiiKind kind) => (_blockKinds & (1u << (int)kind)) != 0;
}
