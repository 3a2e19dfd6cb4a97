namespace Warden.Core.Snapshots.Wire;

/// <summary>
/// The configuration part on the wire: projects (each self-contained: providers, routes, settings), groups and prices.
/// Carries no revision or time, so identical configurations hash to the same content id on every replica.
/// </summary>
public sealed class ConfigWire
{
    public List<ProjectWire> Projects { get; set; } = [];
    public List<GroupWire> Groups { get; set; } = [];
    public List<PriceWire> Prices { get; set; } = [];

    /// <summary>
    /// The counter epoch the control plane derived from its database (see <see cref="ConfigPart.CounterEpoch"/>); null
    /// when it has none. Part of the content, so a new epoch is a new configuration id that every gateway fetches.
    /// </summary>
    public string? CounterEpoch { get; set; }

    /// <summary>
    /// The platform's default PII rules (kind name → action, in ordinal key order), used by every project without PII
    /// rules of its own; null when the platform sets none.
    /// </summary>
    public Dictionary<string, PiiRuleAction>? PlatformPiiRules { get; set; }
}
