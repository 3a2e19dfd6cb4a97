using System.Collections.Immutable;
using Warden.Core.Snapshots.Wire;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// An immutable view of the key part as served: base id, the sequence the base payload is at, the current sequence and
/// the deltas between them (delta <c>i</c> goes from <c>BaseSequence + i</c> to <c>BaseSequence + i + 1</c>).
/// </summary>
internal sealed record KeyPartView(string BaseId, long BaseSequence, long Sequence, Lazy<byte[]> BasePayload, ImmutableList<KeyDeltaWire> Deltas)
{
    /// <summary>
    /// The merged delta from <paramref name="fromSequence"/> to <see cref="Sequence"/>, or null when the journal no
    /// longer covers it (the gateway must take the base).
    /// </summary>
    public KeyDeltaWire? DeltaSince(long fromSequence)
    {
        if (fromSequence < BaseSequence || fromSequence > Sequence)
        {
            return null;
        }

        var consumers = new Dictionary<Guid, ConsumerWire?>();
        var keys = new Dictionary<string, KeyWire?>(StringComparer.Ordinal);
        for (var i = (int)(fromSequence - BaseSequence); i < Deltas.Count; i++)
        {
            var delta = Deltas[i];
            foreach (var c in delta.Consumers)
            {
                consumers[c.Id] = c;
            }

            foreach (var id in delta.RemovedConsumers)
            {
                consumers[id] = null;
            }

            foreach (var k in delta.Keys)
            {
                keys[k.PublicId] = k;
            }

            foreach (var publicId in delta.RemovedKeys)
            {
                keys[publicId] = null;
            }
        }

        return new KeyDeltaWire
        {
            FromSequence = fromSequence,
            ToSequence = Sequence,
            Consumers = [.. consumers.Values.OfType<ConsumerWire>()],
            RemovedConsumers = [.. consumers.Where(kv => kv.Value is null).Select(kv => kv.Key)],
            Keys = [.. keys.Values.OfType<KeyWire>()],
            RemovedKeys = [.. keys.Where(kv => kv.Value is null).Select(kv => kv.Key)],
        };
    }
}
