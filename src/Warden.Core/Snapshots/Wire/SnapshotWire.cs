namespace Warden.Core.Snapshots.Wire;

/// <summary>The serialized form of a <see cref="ConfigSnapshot"/> on the control plane → gateway channel: flat lists with ids that the gateway re-links and freezes off the hot path.</summary>
public sealed class SnapshotWire
{
    public long Revision { get; set; }
    public List<ProviderWire> Providers { get; set; } = [];
    public List<ProjectWire> Projects { get; set; } = [];
    public List<GroupWire> Groups { get; set; } = [];
    public List<ConsumerWire> Consumers { get; set; } = [];
    public List<KeyWire> Keys { get; set; } = [];
    public List<PriceWire> Prices { get; set; } = [];
}
