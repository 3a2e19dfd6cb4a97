namespace Warden.Core.Snapshots.Wire;

/// <summary>
/// One answer of <c>GET /internal/snapshot</c>: the control plane's current identities and only the parts the
/// gateway lacks — the configuration part if its id differs, the key base if the gateway has another base (or fell
/// behind a compaction), else the key delta since the gateway's sequence.
/// </summary>
public sealed class SnapshotUpdateWire
{
    public long Revision { get; set; }
    public string ConfigId { get; set; } = "";
    public string KeyBaseId { get; set; } = "";
    public long KeySequence { get; set; }

    /// <summary>The sequence the key base is at (deltas apply from here).</summary>
    public long KeyBaseSequence { get; set; }

    public ConfigWire? Config { get; set; }
    public KeyBaseWire? KeyBase { get; set; }
    public KeyDeltaWire? KeyDelta { get; set; }
}
