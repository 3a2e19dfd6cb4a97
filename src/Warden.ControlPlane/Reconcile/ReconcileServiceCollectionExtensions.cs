using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Warden.ControlPlane.Hosting;
using Warden.ControlPlane.Reconcile.Jobs;

namespace Warden.ControlPlane.Reconcile;

/// <summary>Registers reconcile: snapshot building and serving, the write trigger, cross-replica notification and leader-elected jobs.</summary>
public static class ReconcileServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SnapshotHub"/>, <see cref="IncrementalSnapshotBuilder"/>, <see cref="SnapshotBuilder"/>,
    /// <see cref="IReconcileTrigger"/> (a <see cref="ReconcileSignal"/>), the start-up/reconcile loop, the PostgreSQL
    /// cross-replica notifier, and <see cref="BackgroundJobService"/> with the <see cref="LeaderHeartbeatJob"/>.
    /// Needs storage, <see cref="ControlPlaneReadiness"/> and a <see cref="TimeProvider"/> registered.
    /// </summary>
    public static IServiceCollection AddReconcile(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<SnapshotHub>();
        services.TryAddSingleton<SnapshotBuilder>();
        services.TryAddSingleton<IncrementalSnapshotBuilder>();
        services.TryAddSingleton<ReconcileSignal>();
        services.TryAddSingleton<IReconcileTrigger>(sp => sp.GetRequiredService<ReconcileSignal>());
        services.AddHostedService<ControlPlaneStartupService>();
        services.AddHostedService<PostgresReconcileNotifier>();
        services.TryAddSingleton<BackgroundJobService>();
        services.AddHostedService(sp => sp.GetRequiredService<BackgroundJobService>());
        services.AddBackgroundJob<LeaderHeartbeatJob>();
        return services;
    }

    /// <summary>Registers a job that runs on the leader replica only.</summary>
    public static IServiceCollection AddBackgroundJob<TJob>(this IServiceCollection services)
        where TJob : class, IBackgroundJob
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IBackgroundJob, TJob>());
        return services;
    }
}
