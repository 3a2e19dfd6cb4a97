using Warden.Core.Snapshots.Wire;

namespace Warden.ControlPlane.Reconcile;

/// <summary>What to send a polling gateway: the head, and which parts it lacks.</summary>
/// <param name="Head">The state served.</param>
/// <param name="IncludeConfig">Send the configuration part.</param>
/// <param name="IncludeKeyBase">Send the key base.</param>
/// <param name="KeyDelta">Send this key delta (on top of the gateway's keys, or of the base when it is sent).</param>
internal sealed record SnapshotUpdate(SnapshotHead Head, bool IncludeConfig, bool IncludeKeyBase, KeyDeltaWire? KeyDelta);
