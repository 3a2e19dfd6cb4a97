using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.ControlPlane.Hosting;
using Warden.Core.Diagnostics;
using Warden.Storage;
using Warden.Storage.Postgres;

namespace Warden.ControlPlane.Reconcile.Jobs;

/// <summary>
/// Leader election for cluster-wide jobs and the runner of <see cref="IBackgroundJob"/>s. On PostgreSQL the leader is
/// the replica holding the session-level advisory lock <see cref="AdvisoryLockKeys.BackgroundJobLeader"/> on a
/// dedicated connection: followers retry every <see cref="ElectionInterval"/>; the leader checks the same interval that
/// it still holds the lock (a dropped connection releases it server-side, and another replica takes over) and cancels
/// its jobs when it does not. On SQLite (single node) this replica is always the leader. Jobs start after the control
/// plane is ready (migrations applied).
/// </summary>
public sealed partial class BackgroundJobService : BackgroundService
{
    /// <summary>How often followers try to take the lock and the leader verifies it still holds it.</summary>
    public static readonly TimeSpan ElectionInterval = TimeSpan.FromSeconds(5);

    private readonly IEnumerable<IBackgroundJob> _jobs;
    private readonly StorageOptions _storage;
    private readonly ControlPlaneReadiness _readiness;
    private readonly TimeProvider _time;
    private readonly ILogger<BackgroundJobService> _logger;
    private volatile bool _isLeader;

    public BackgroundJobService(IEnumerable<IBackgroundJob> jobs, StorageOptions storage, ControlPlaneReadiness readiness, TimeProvider time, ILogger<BackgroundJobService> logger)
    {
        _jobs = jobs;
        _storage = storage;
        _readiness = readiness;
        _time = time;
        _logger = logger;
    }

    /// <summary>True while this replica runs the cluster-wide jobs.</summary>
    public bool IsLeader => _isLeader;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!_readiness.IsReady)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), _time, stoppingToken);
            }

            if (_storage.Kind != DatabaseKind.Postgres)
            {
                _isLeader = true;
                LogLeader(_logger, "single node");
                await RunJobsAsync(stoppingToken);
                return;
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                await using var leadership = await TryAcquireAsync(stoppingToken);
                if (leadership is null)
                {
                    await Task.Delay(ElectionInterval, _time, stoppingToken);
                    continue;
                }

                _isLeader = true;
                LogLeader(_logger, "advisory lock acquired");
                using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var jobs = RunJobsAsync(lost.Token);
                while (!stoppingToken.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(ElectionInterval, _time, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    if (!await leadership.IsHeldAsync(stoppingToken))
                    {
                        break;
                    }
                }

                _isLeader = false;
                await lost.CancelAsync();
                await jobs;
                if (!stoppingToken.IsCancellationRequested)
                {
                    LogLost(_logger);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _isLeader = false;
        }
    }

    private async Task<PostgresAdvisoryLock?> TryAcquireAsync(CancellationToken stoppingToken)
    {
        try
        {
            return await PostgresAdvisoryLock.TryAcquireAsync(_storage.ConnectionString, AdvisoryLockKeys.BackgroundJobLeader, stoppingToken);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or IOException)
        {
            // The database is unreachable: nobody can lead through it; try again later.
            return null;
        }
    }

    private Task RunJobsAsync(CancellationToken cancellationToken) => Task.WhenAll(_jobs.Select(job => RunJobAsync(job, cancellationToken)));

    private async Task RunJobAsync(IBackgroundJob job, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await job.RunAsync(cancellationToken);
                LogRan(_logger, job.Name);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failing job is logged and retried at its next interval; it must not stop the others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogJobFailed(_logger, job.Name, ex);
            }

            try
            {
                await Task.Delay(job.Interval, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = WardenEventIds.LeadershipAcquired, Level = LogLevel.Information, Message = "This replica runs the cluster-wide background jobs ({How})")]
    private static partial void LogLeader(ILogger logger, string how);

    [LoggerMessage(EventId = WardenEventIds.LeadershipLost, Level = LogLevel.Warning, Message = "Background-job leadership lost; jobs stopped, retrying the election")]
    private static partial void LogLost(ILogger logger);

    [LoggerMessage(EventId = WardenEventIds.BackgroundJobRan, Level = LogLevel.Debug, Message = "Background job {Name} ran")]
    private static partial void LogRan(ILogger logger, string name);

    [LoggerMessage(EventId = WardenEventIds.BackgroundJobFailed, Level = LogLevel.Error, Message = "Background job {Name} failed; retrying at its next interval")]
    private static partial void LogJobFailed(ILogger logger, string name, Exception exception);
}
