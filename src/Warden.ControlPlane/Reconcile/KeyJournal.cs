using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using Warden.Core.Snapshots.Wire;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// The control plane's key part: the current consumers and keys (wire form), the key base gateways start from and the
/// journal of deltas on top of it. Owned by the reconcile loop (single writer); what gateways read is the immutable
/// <see cref="KeyPartView"/> it hands out.
/// <para>
/// A base is identified by <see cref="BaseId"/>: the content hash of the base as first built plus a per-build nonce, so
/// two control-plane lifetimes (or replicas) never share an id while their sequences differ. Sequences count deltas
/// from 0. <see cref="Compact"/> folds the journal into a new base payload at the current sequence without changing
/// the id: a gateway already at that sequence has exactly that content and downloads nothing.
/// </para>
/// </summary>
internal sealed class KeyJournal
{
    /// <summary>Journal entries (upserts and removals over all deltas) above which the journal is folded into the base.</summary>
    public const int CompactionThreshold = 10_000;

    private readonly Dictionary<Guid, ConsumerWire> _consumers;
    private readonly Dictionary<Guid, KeyWire> _keys;
    private int _journalEntries;

    private KeyJournal(Dictionary<Guid, ConsumerWire> consumers, Dictionary<Guid, KeyWire> keys, string baseId, byte[] basePayload)
    {
        _consumers = consumers;
        _keys = keys;
        BaseId = baseId;
        View = new KeyPartView(baseId, 0, 0, new Lazy<byte[]>(basePayload), []);
    }

    /// <summary>The current key base id.</summary>
    public string BaseId { get; }

    /// <summary>What gateways are served.</summary>
    public KeyPartView View { get; private set; }

    /// <summary>Number of keys.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>Number of consumers.</summary>
    public int ConsumerCount => _consumers.Count;

    /// <summary>Starts a new base from a full read of the database.</summary>
    public static KeyJournal StartBase(Dictionary<Guid, ConsumerWire> consumers, Dictionary<Guid, KeyWire> keys)
    {
        var payload = Serialize([.. consumers.Values], [.. keys.Values]);
        var baseId = SnapshotWireMapper.ContentId(payload) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return new KeyJournal(consumers, keys, baseId, payload);
    }

    /// <summary>The full current content, for building entry objects.</summary>
    public KeyBaseWire Materialize() => new() { Consumers = [.. _consumers.Values], Keys = [.. _keys.Values] };

    /// <summary>True when the given full read has exactly this journal's current content.</summary>
    public bool HasSameContent(Dictionary<Guid, ConsumerWire> consumers, Dictionary<Guid, KeyWire> keys)
    {
        if (consumers.Count != _consumers.Count || keys.Count != _keys.Count)
        {
            return false;
        }

        foreach (var (id, consumer) in consumers)
        {
            if (!_consumers.TryGetValue(id, out var mine) || !mine.SameAs(consumer))
            {
                return false;
            }
        }

        foreach (var (id, key) in keys)
        {
            if (!_keys.TryGetValue(id, out var mine) || !mine.SameAs(key))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The consumer with this id, if present.</summary>
    public ConsumerWire? FindConsumer(Guid id) => _consumers.GetValueOrDefault(id);

    /// <summary>
    /// Records the current database state of the given consumers and keys (<paramref name="consumerIds"/> /
    /// <paramref name="keyIds"/> that are missing from the read lists were deleted) and returns the delta appended to the
    /// journal, or null when nothing actually changed.
    /// </summary>
    public KeyDeltaWire? Apply(IReadOnlyCollection<Guid> consumerIds, IReadOnlyCollection<ConsumerWire> consumersRead, IReadOnlyCollection<Guid> keyIds, IReadOnlyCollection<KeyWire> keysRead)
    {
        var delta = new KeyDeltaWire { FromSequence = View.Sequence, ToSequence = View.Sequence + 1 };
        var consumersNow = consumersRead.ToDictionary(c => c.Id);
        foreach (var id in consumerIds.Concat(consumersNow.Keys).Distinct())
        {
            if (consumersNow.TryGetValue(id, out var consumer))
            {
                if (!_consumers.TryGetValue(id, out var was) || !was.SameAs(consumer))
                {
                    _consumers[id] = consumer;
                    delta.Consumers.Add(consumer);
                }
            }
            else if (_consumers.Remove(id))
            {
                delta.RemovedConsumers.Add(id);
                // The database cascades the consumer's keys; so do we (a scan, but consumer deletion is rare).
                foreach (var key in _keys.Values.Where(k => k.ConsumerId == id).ToList())
                {
                    _keys.Remove(key.Id);
                    delta.RemovedKeys.Add(key.PublicId);
                }
            }
        }

        var keysNow = keysRead.ToDictionary(k => k.Id);
        foreach (var id in keyIds.Concat(keysNow.Keys).Distinct())
        {
            if (keysNow.TryGetValue(id, out var key))
            {
                if (!_keys.TryGetValue(id, out var was) || !was.SameAs(key))
                {
                    if (!_consumers.ContainsKey(key.ConsumerId))
                    {
                        // A key whose consumer we have not seen (its change row is in a revision not yet visible):
                        // leave it for the next reconcile rather than publish a dangling reference.
                        continue;
                    }

                    _keys[id] = key;
                    delta.Keys.Add(key);
                }
            }
            else if (_keys.Remove(id, out var removed))
            {
                delta.RemovedKeys.Add(removed.PublicId);
            }
        }

        if (delta.Count == 0)
        {
            return null;
        }

        _journalEntries += delta.Count;
        View = View with { Sequence = delta.ToSequence, Deltas = View.Deltas.Add(delta) };
        if (_journalEntries > CompactionThreshold)
        {
            Compact();
        }

        return delta;
    }

    /// <summary>
    /// Folds the journal into a new base payload at the current sequence. The payload is serialized lazily from a
    /// copy of the references (entries are never mutated, only replaced), so the reconcile loop is not held up.
    /// </summary>
    public void Compact()
    {
        var consumers = _consumers.Values.ToArray();
        var keys = _keys.Values.ToArray();
        _journalEntries = 0;
        View = View with
        {
            BaseSequence = View.Sequence,
            BasePayload = new Lazy<byte[]>(() => Serialize(consumers, keys), LazyThreadSafetyMode.ExecutionAndPublication),
            Deltas = [],
        };
    }

    private static byte[] Serialize(ConsumerWire[] consumers, KeyWire[] keys)
    {
        Array.Sort(consumers, (a, b) => a.Id.CompareTo(b.Id));
        Array.Sort(keys, (a, b) => a.Id.CompareTo(b.Id));
        return JsonSerializer.SerializeToUtf8Bytes(new KeyBaseWire { Consumers = [.. consumers], Keys = [.. keys] }, SnapshotWireJsonContext.Default.KeyBaseWire);
    }
}
