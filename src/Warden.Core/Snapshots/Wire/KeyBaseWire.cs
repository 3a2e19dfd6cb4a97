namespace Warden.Core.Snapshots.Wire;

/// <summary>A full key part on the wire: every consumer and key. Sent only to a gateway without the current base.</summary>
public sealed class KeyBaseWire
{
    public List<ConsumerWire> Consumers { get; set; } = [];
    public List<KeyWire> Keys { get; set; } = [];
}
