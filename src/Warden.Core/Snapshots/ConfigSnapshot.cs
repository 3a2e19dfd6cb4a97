using System.Collections.Frozen;
using Warden.Core.Pricing;

namespace Warden.Core.Snapshots;

/// <summary>
/// Everything a gateway enforces, as one immutable value with a revision. The gateway swaps a single reference to
/// apply a new one, and each request reads exactly one snapshot from start to end.
/// </summary>
public sealed class ConfigSnapshot
{
    /// <summary>Creates a snapshot; lookups are frozen here, off the hot path.</summary>
    public ConfigSnapshot(long revision, DateTimeOffset createdAt, IEnumerable<KeyEntry> keys, IEnumerable<ProjectEntry> projects, PriceTable? prices = null)
    {
        Revision = revision;
        Prices = prices ?? PriceTable.Default;
        CreatedAt = createdAt;
        Keys = keys.ToFrozenDictionary(k => k.PublicId, StringComparer.Ordinal);
        Projects = projects.ToFrozenDictionary(p => p.Id);
    }

    /// <summary>The configuration revision this snapshot was built from.</summary>
    public long Revision { get; }

    /// <summary>When the control plane built it.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Keys by public id.</summary>
    public FrozenDictionary<string, KeyEntry> Keys { get; }

    /// <summary>Platform prices (shipped defaults overlaid with the database's entries).</summary>
    public PriceTable Prices { get; }

    /// <summary>Projects by id.</summary>
    public FrozenDictionary<Guid, ProjectEntry> Projects { get; }

    /// <summary>Finds the key with the given public id without allocating.</summary>
    public KeyEntry? FindKey(ReadOnlySpan<char> publicId) =>
        Keys.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(publicId, out var key) ? key : null;
}
