namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// Asks the reconcile loop to rebuild and publish the desired state now. Admin writes call it after their
/// transaction commits, so a change reaches gateways without waiting for the periodic reconcile. Calls coalesce:
/// many writes in a burst cause as few rebuilds as the loop can manage.
/// </summary>
public interface IReconcileTrigger
{
    /// <summary>Requests a reconcile soon; never blocks and never throws.</summary>
    void RequestReconcile();
}
