using Warden.Core.Snapshots;

namespace Warden.ControlPlane.Reconcile;

/// <summary>What the control plane serves right now: identities, the serialized parts and the entry-object snapshot.</summary>
/// <param name="Revision">Configuration revision (informational: goes backwards after a restore).</param>
/// <param name="ConfigId">Content id of the configuration part.</param>
/// <param name="ConfigPayload">The serialized configuration part.</param>
/// <param name="Keys">The key part: base and journal.</param>
/// <param name="Snapshot">The same state as entry objects.</param>
internal sealed record SnapshotHead(long Revision, string ConfigId, byte[] ConfigPayload, KeyPartView Keys, ConfigSnapshot Snapshot);
