using System.Text.Json.Serialization;

namespace Warden.Core.Snapshots.Wire;

/// <summary>
/// Changes to the key part from <see cref="FromSequence"/> (exclusive) to <see cref="ToSequence"/> (inclusive) of one
/// key base: upserted consumers and keys (a revocation is an upsert with <c>revokedAt</c>), removed ones.
/// </summary>
public sealed class KeyDeltaWire
{
    public long FromSequence { get; set; }
    public long ToSequence { get; set; }
    public List<ConsumerWire> Consumers { get; set; } = [];
    public List<Guid> RemovedConsumers { get; set; } = [];
    public List<KeyWire> Keys { get; set; } = [];

    /// <summary>Public ids of removed keys.</summary>
    public List<string> RemovedKeys { get; set; } = [];

    /// <summary>Number of entries (not sent).</summary>
    [JsonIgnore]
    public int Count => Consumers.Count + RemovedConsumers.Count + Keys.Count + RemovedKeys.Count;
}
