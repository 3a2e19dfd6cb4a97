using System.Collections.Frozen;
using Warden.Core.Pricing;

namespace Warden.Core.Snapshots;

/// <summary>
/// The configuration part of a snapshot: projects (routes, providers, budgets, limits, guardrails, cache, semantic
/// guard, MCP servers), groups and prices. Small, content-addressed by <see cref="ContentId"/>, and shipped whole
/// when it changes; the large key part (<see cref="KeySet"/>) travels separately as a base plus deltas.
/// </summary>
public sealed class ConfigPart
{
    /// <summary>Creates the part; lookups are frozen here, off the hot path.</summary>
    public ConfigPart(string contentId, IEnumerable<ProjectEntry> projects, IEnumerable<GroupEntry> groups, PriceTable? prices = null)
    {
        ArgumentNullException.ThrowIfNull(contentId);
        ContentId = contentId;
        Projects = projects.ToFrozenDictionary(p => p.Id);
        Groups = groups.DistinctBy(g => g.Id).ToFrozenDictionary(g => g.Id);
        Prices = prices ?? PriceTable.Default;
    }

    /// <summary>An empty configuration.</summary>
    public static ConfigPart Empty { get; } = new("", [], []);

    /// <summary>Hash of the serialized configuration part (empty when built locally, e.g. in tests).</summary>
    public string ContentId { get; }

    /// <summary>Projects by id.</summary>
    public FrozenDictionary<Guid, ProjectEntry> Projects { get; }

    /// <summary>Groups by id.</summary>
    public FrozenDictionary<Guid, GroupEntry> Groups { get; }

    /// <summary>Platform prices (shipped defaults overlaid with the database's entries).</summary>
    public PriceTable Prices { get; }

    /// <summary>
    /// The counter epoch: a short id the control plane derives from its database (the restore marker, and on
    /// PostgreSQL the cluster's system identifier, the database's oid and the current timeline). It changes when the
    /// database is restored, recovered to a point in time or replaced, never otherwise. Gateways put it into every
    /// counter key, so after a restore budget counters start afresh and re-seed from the restored ledger. Empty when
    /// the database yields none (SQLite never restored, snapshots built locally).
    /// </summary>
    public string CounterEpoch { get; init; } = "";

    /// <summary>
    /// The platform's default PII rules (kind name → action), used by every project whose own rules are null; null when
    /// the platform sets none.
    /// </summary>
    public FrozenDictionary<string, PiiRuleAction>? PlatformPiiRules { get; init; }

    /// <summary>
    /// Per project and group: a hash of its wire form. A new configuration part reuses the previous part's entry
    /// objects where the hash is unchanged, so consumers and keys of untouched projects need no re-linking.
    /// </summary>
    internal FrozenDictionary<Guid, string>? Fingerprints { get; init; }
}
