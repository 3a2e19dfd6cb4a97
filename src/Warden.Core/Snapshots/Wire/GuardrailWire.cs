namespace Warden.Core.Snapshots.Wire;

/// <summary>A project's guardrail settings on the wire.</summary>
public sealed class GuardrailWire
{
    public List<string> CuratedPatternIds { get; set; } = [];
    public List<InjectionPatternWire> CustomPatterns { get; set; } = [];
    public Dictionary<string, PiiRuleAction>? PiiRules { get; set; }
}
