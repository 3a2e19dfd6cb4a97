using System.Collections.Frozen;
using Warden.Core.Pricing;

namespace Warden.Core.Snapshots;

/// <summary>
/// Everything a gateway enforces, as one immutable value with a revision: a configuration part and a key part. The
/// gateway swaps a single reference to apply a new one, and each request reads exactly one snapshot from start to end.
/// </summary>
public sealed class ConfigSnapshot
{
    /// <summary>Creates a snapshot from its two parts.</summary>
    public ConfigSnapshot(long revision, DateTimeOffset createdAt, ConfigPart config, KeySet keys)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(keys);
        Revision = revision;
        CreatedAt = createdAt;
        Config = config;
        Keys = keys;
    }

    /// <summary>Creates a snapshot from entries (tests, benchmarks): groups are taken from the keys' consumers.</summary>
    public ConfigSnapshot(long revision, DateTimeOffset createdAt, IEnumerable<KeyEntry> keys, IEnumerable<ProjectEntry> projects, PriceTable? prices = null)
    {
        var keyList = keys.ToList();
        Revision = revision;
        CreatedAt = createdAt;
        Config = new ConfigPart("", projects, keyList.SelectMany(k => k.Consumer.Groups), prices);
        Keys = KeySet.Create("", 0, [], keyList);
    }

    /// <summary>The configuration revision this snapshot was built from (goes backwards after a database restore).</summary>
    public long Revision { get; }

    /// <summary>When it was built or received.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The configuration part.</summary>
    public ConfigPart Config { get; }

    /// <summary>The key part: consumers and API keys.</summary>
    public KeySet Keys { get; }

    /// <summary>Platform prices.</summary>
    public PriceTable Prices => Config.Prices;

    /// <summary>The counter epoch of the configuration part (<see cref="ConfigPart.CounterEpoch"/>).</summary>
    public string CounterEpoch => Config.CounterEpoch;

    /// <summary>Projects by id.</summary>
    public FrozenDictionary<Guid, ProjectEntry> Projects => Config.Projects;

    /// <summary>Groups by id.</summary>
    public FrozenDictionary<Guid, GroupEntry> Groups => Config.Groups;

    /// <summary>Finds the key with the given public id without allocating.</summary>
    public KeyEntry? FindKey(ReadOnlySpan<char> publicId) => Keys.Find(publicId);

    /// <summary>
    /// This snapshot with another configuration part: consumers and keys are re-linked to the new projects and groups
    /// (only those whose project or groups changed), off the hot path.
    /// </summary>
    public ConfigSnapshot WithConfig(ConfigPart config, long revision, DateTimeOffset createdAt) =>
        new(revision, createdAt, config, Keys.Relink(config));

    /// <summary>This snapshot with another key part.</summary>
    public ConfigSnapshot WithKeys(KeySet keys, long revision, DateTimeOffset createdAt) => new(revision, createdAt, Config, keys);
}
