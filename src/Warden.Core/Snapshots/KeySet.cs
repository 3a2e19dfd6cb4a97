using System.Collections.Frozen;

namespace Warden.Core.Snapshots;

/// <summary>
/// The key part of a snapshot: consumers and API keys. Immutable. A frozen <em>base</em> (possibly millions of keys)
/// plus a small <em>overlay</em> of keys and consumers added, changed or removed since the base, which
/// <see cref="Find(ReadOnlySpan{char})"/> consults first. Applying a delta copies only the overlay, so revoking one key
/// of a million does not rebuild the million-entry dictionary; when the overlay grows past
/// <see cref="CompactionThreshold"/> it is folded into a new base (off the request path, by whoever applies deltas).
/// <see cref="BaseId"/> and <see cref="Sequence"/> identify the content on the snapshot channel: the control plane's
/// key base and the last delta applied on top of it (gateway-local compaction does not change them).
/// </summary>
public sealed class KeySet
{
    /// <summary>Smallest overlay size that triggers compaction; larger bases tolerate up to 1/32 of their size.</summary>
    public const int MinCompactionThreshold = 4096;

    private readonly FrozenDictionary<string, KeyEntry> _base;
    private readonly FrozenDictionary<string, KeyEntry>.AlternateLookup<ReadOnlySpan<char>> _baseLookup;
    private readonly Dictionary<string, KeyEntry?> _overlay;
    private readonly Dictionary<string, KeyEntry?>.AlternateLookup<ReadOnlySpan<char>> _overlayLookup;
    private readonly FrozenDictionary<Guid, ConsumerEntry> _consumerBase;
    private readonly Dictionary<Guid, ConsumerEntry?> _consumerOverlay;

    private KeySet(string baseId, long sequence, FrozenDictionary<string, KeyEntry> keyBase, Dictionary<string, KeyEntry?> overlay,
        FrozenDictionary<Guid, ConsumerEntry> consumerBase, Dictionary<Guid, ConsumerEntry?> consumerOverlay)
    {
        BaseId = baseId;
        Sequence = sequence;
        _base = keyBase;
        _baseLookup = keyBase.GetAlternateLookup<ReadOnlySpan<char>>();
        _overlay = overlay;
        _overlayLookup = overlay.GetAlternateLookup<ReadOnlySpan<char>>();
        _consumerBase = consumerBase;
        _consumerOverlay = consumerOverlay;
        Count = CountEffective(keyBase, overlay);
        ConsumerCount = CountEffective(consumerBase, consumerOverlay);
    }

    /// <summary>No keys, no consumers.</summary>
    public static KeySet Empty { get; } = Create("", 0, [], []);

    /// <summary>Id of the key base on the snapshot channel (empty when built locally).</summary>
    public string BaseId { get; }

    /// <summary>Sequence of the last delta applied on top of the base (0: none).</summary>
    public long Sequence { get; }

    /// <summary>Number of keys.</summary>
    public int Count { get; }

    /// <summary>Number of consumers.</summary>
    public int ConsumerCount { get; }

    /// <summary>Keys and consumers held in the overlay rather than the frozen base.</summary>
    public int OverlayCount => _overlay.Count + _consumerOverlay.Count;

    /// <summary>Overlay size above which <see cref="Apply"/> compacts.</summary>
    public int CompactionThreshold => Math.Max(MinCompactionThreshold, _base.Count / 32);

    /// <summary>Every key (base entries not overridden, then the overlay's).</summary>
    public IEnumerable<KeyEntry> Keys
    {
        get
        {
            foreach (var (publicId, key) in _base)
            {
                if (!_overlay.ContainsKey(publicId))
                {
                    yield return key;
                }
            }

            foreach (var key in _overlay.Values)
            {
                if (key is not null)
                {
                    yield return key;
                }
            }
        }
    }

    /// <summary>Every consumer.</summary>
    public IEnumerable<ConsumerEntry> Consumers
    {
        get
        {
            foreach (var (id, consumer) in _consumerBase)
            {
                if (!_consumerOverlay.ContainsKey(id))
                {
                    yield return consumer;
                }
            }

            foreach (var consumer in _consumerOverlay.Values)
            {
                if (consumer is not null)
                {
                    yield return consumer;
                }
            }
        }
    }

    /// <summary>Creates a key set with everything in its base.</summary>
    public static KeySet Create(string baseId, long sequence, IEnumerable<ConsumerEntry> consumers, IEnumerable<KeyEntry> keys)
    {
        ArgumentNullException.ThrowIfNull(baseId);
        var keyBase = keys.ToFrozenDictionary(k => k.PublicId, StringComparer.Ordinal);
        var consumerBase = consumers.Concat(keyBase.Values.Select(k => k.Consumer)).DistinctBy(c => c.Id).ToFrozenDictionary(c => c.Id);
        return new KeySet(baseId, sequence, keyBase, new Dictionary<string, KeyEntry?>(StringComparer.Ordinal), consumerBase, []);
    }

    /// <summary>Finds the key with the given public id without allocating: overlay first, then the base.</summary>
    public KeyEntry? Find(ReadOnlySpan<char> publicId)
    {
        if (_overlay.Count > 0 && _overlayLookup.TryGetValue(publicId, out var changed))
        {
            return changed;
        }

        return _baseLookup.TryGetValue(publicId, out var key) ? key : null;
    }

    /// <summary>Finds a consumer by id.</summary>
    public ConsumerEntry? FindConsumer(Guid id)
    {
        if (_consumerOverlay.Count > 0 && _consumerOverlay.TryGetValue(id, out var changed))
        {
            return changed;
        }

        return _consumerBase.TryGetValue(id, out var consumer) ? consumer : null;
    }

    /// <summary>The same content under another channel identity (a control-plane compaction relabels, content unchanged).</summary>
    public KeySet WithIdentity(string baseId, long sequence) =>
        new(baseId, sequence, _base, _overlay, _consumerBase, _consumerOverlay);

    /// <summary>
    /// Applies a batch of changes and returns the new set at <paramref name="sequence"/>. Keys of a consumer that
    /// changed are re-linked to its new entry; keys of a removed consumer are removed. Compacts when the overlay
    /// outgrows <see cref="CompactionThreshold"/>.
    /// </summary>
    public KeySet Apply(KeySetChanges changes, long sequence)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var consumerOverlay = new Dictionary<Guid, ConsumerEntry?>(_consumerOverlay);
        var overlay = new Dictionary<string, KeyEntry?>(_overlay, StringComparer.Ordinal);
        Dictionary<Guid, ConsumerEntry>? relink = null;
        HashSet<Guid>? dropped = null;
        foreach (var consumer in changes.UpsertedConsumers)
        {
            if (FindConsumer(consumer.Id) is not null)
            {
                (relink ??= [])[consumer.Id] = consumer;
            }

            consumerOverlay[consumer.Id] = consumer;
        }

        foreach (var id in changes.RemovedConsumers)
        {
            if (FindConsumer(id) is not null)
            {
                (dropped ??= []).Add(id);
            }

            Remove(consumerOverlay, _consumerBase.ContainsKey(id), id);
        }

        if (relink is not null || dropped is not null)
        {
            // Existing consumers changed: their keys must point at the new entries. A full scan, but only when an
            // existing consumer changes (rename, groups), never for the common create/revoke-a-key case.
            foreach (var key in Keys)
            {
                if (dropped?.Contains(key.Consumer.Id) == true)
                {
                    Remove(overlay, _base.ContainsKey(key.PublicId), key.PublicId);
                }
                else if (relink is not null && relink.TryGetValue(key.Consumer.Id, out var consumer))
                {
                    overlay[key.PublicId] = key with { Consumer = consumer };
                }
            }
        }

        foreach (var key in changes.UpsertedKeys)
        {
            overlay[key.PublicId] = key;
        }

        foreach (var publicId in changes.RemovedKeys)
        {
            Remove(overlay, _base.ContainsKey(publicId), publicId);
        }

        var next = new KeySet(BaseId, sequence, _base, overlay, _consumerBase, consumerOverlay);
        return next.OverlayCount > next.CompactionThreshold ? next.Compact() : next;
    }

    /// <summary>Folds the overlay into a new frozen base (same identity and content).</summary>
    public KeySet Compact() => OverlayCount == 0
        ? this
        : new KeySet(BaseId, Sequence, Keys.ToFrozenDictionary(k => k.PublicId, StringComparer.Ordinal), new Dictionary<string, KeyEntry?>(StringComparer.Ordinal),
            Consumers.ToFrozenDictionary(c => c.Id), []);

    /// <summary>
    /// Re-links consumers (and their keys) to the projects and groups of <paramref name="config"/>. Consumers whose
    /// project and groups are the very same objects stay as they are; a consumer whose project is gone is removed with
    /// its keys (fail closed), and a group no longer present is dropped from its list.
    /// </summary>
    public KeySet Relink(ConfigPart config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var changed = new List<ConsumerEntry>();
        var removed = new List<Guid>();
        foreach (var consumer in Consumers)
        {
            if (!config.Projects.TryGetValue(consumer.Project.Id, out var project))
            {
                removed.Add(consumer.Id);
                continue;
            }

            var same = ReferenceEquals(project, consumer.Project);
            foreach (var group in consumer.Groups)
            {
                same &= config.Groups.TryGetValue(group.Id, out var current) && ReferenceEquals(current, group);
            }

            if (!same)
            {
                // A new instance, not a with-expression: QualifiedName is computed at construction.
                changed.Add(new ConsumerEntry(consumer.Id, consumer.Name, project,
                    [.. consumer.Groups.Select(g => config.Groups.GetValueOrDefault(g.Id)).OfType<GroupEntry>()]));
            }
        }

        return changed.Count == 0 && removed.Count == 0 ? this : Apply(new KeySetChanges(changed, removed, [], []), Sequence);
    }

    private static void Remove<TKey, TValue>(Dictionary<TKey, TValue?> overlay, bool inBase, TKey key)
        where TKey : notnull
        where TValue : class
    {
        if (inBase)
        {
            overlay[key] = null; // tombstone hides the base entry
        }
        else
        {
            overlay.Remove(key);
        }
    }

    private static int CountEffective<TKey, TValue>(FrozenDictionary<TKey, TValue> baseEntries, Dictionary<TKey, TValue?> overlay)
        where TKey : notnull
        where TValue : class
    {
        var count = baseEntries.Count;
        foreach (var (key, value) in overlay)
        {
            var inBase = baseEntries.ContainsKey(key);
            if (value is null && inBase)
            {
                count--;
            }
            else if (value is not null && !inBase)
            {
                count++;
            }
        }

        return count;
    }
}
