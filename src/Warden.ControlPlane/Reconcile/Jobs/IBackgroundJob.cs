namespace Warden.ControlPlane.Reconcile.Jobs;

/// <summary>
/// Work that must run once cluster-wide (audit pruning, price sync): registered jobs run only on the replica holding
/// the background-job leadership. Register with <c>services.AddBackgroundJob&lt;TJob&gt;()</c>.
/// Reconcile is not one of them: every replica reconciles and serves snapshots itself.
/// </summary>
public interface IBackgroundJob
{
    /// <summary>Short stable name for logs, e.g. <c>audit-prune</c>.</summary>
    string Name { get; }

    /// <summary>Time between runs; the first run starts when leadership is gained.</summary>
    TimeSpan Interval { get; }

    /// <summary>Runs once. <paramref name="cancellationToken"/> fires on shutdown and when leadership is lost.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
