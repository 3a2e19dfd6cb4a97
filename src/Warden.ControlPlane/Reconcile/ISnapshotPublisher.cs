using Warden.Core.Snapshots;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// Delivers a built snapshot to gateways. In <c>warden serve</c> it hands the snapshot to the in-process gateway; in a
/// cluster gateways fetch it from the internal endpoint.
/// </summary>
public interface ISnapshotPublisher
{
    /// <summary>Makes <paramref name="snapshot"/> the desired state.</summary>
    void Publish(ConfigSnapshot snapshot);
}
