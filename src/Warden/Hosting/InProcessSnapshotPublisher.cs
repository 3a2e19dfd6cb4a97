using Warden.ControlPlane.Reconcile;
using Warden.Core.Snapshots;
using Warden.Gateway.Snapshots;

namespace Warden.Hosting;

/// <summary>
/// The snapshot channel of <c>warden serve</c>: the control plane publishes straight into the co-located gateway's
/// snapshot store. Same interfaces as the networked channel, no serialization.
/// </summary>
internal sealed class InProcessSnapshotPublisher : ISnapshotPublisher
{
    private readonly SnapshotStore _store;

    public InProcessSnapshotPublisher(SnapshotStore store)
    {
        _store = store;
    }

    public void Publish(ConfigSnapshot snapshot) => _store.Apply(snapshot);
}
