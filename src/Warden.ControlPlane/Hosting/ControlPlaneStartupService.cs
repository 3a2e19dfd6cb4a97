using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.ControlPlane.Backup;
using Warden.ControlPlane.Demo;
using Warden.ControlPlane.Reconcile;
using Warden.Core.Diagnostics;
using Warden.Storage;
using Warden.Storage.Backup;

namespace Warden.ControlPlane.Hosting;

/// <summary>
/// Start-up and reconcile loop of the control plane, run after Kestrel listens so probes answer meanwhile: apply
/// pending migrations (under the migration lock, so only one replica migrates), seed the demo when asked, build and
/// publish the first snapshot, report ready. Then reconcile whenever a write asks for it (<see cref="IReconcileTrigger"/>,
/// coalesced) and at least every <see cref="ReconcileInterval"/> (an incremental check that also detects a restored or
/// replaced database), with a full re-read compared by content every <see cref="FullCheckInterval"/> (catches direct
/// edits that recorded no revision). Every replica runs this loop: each serves snapshots itself. A start-up failure
/// stops the process.
/// </summary>
internal sealed partial class ControlPlaneStartupService : BackgroundService
{
    /// <summary>How often the periodic reconcile runs without a write trigger.</summary>
    public static readonly TimeSpan ReconcileInterval = TimeSpan.FromSeconds(5);

    /// <summary>How often the reconcile re-reads everything and compares by content.</summary>
    public static readonly TimeSpan FullCheckInterval = TimeSpan.FromSeconds(60);

    private readonly WardenDatabase _database;
    private readonly IncrementalSnapshotBuilder _builder;
    private readonly ReconcileSignal _signal;
    private readonly IEnumerable<ISnapshotPublisher> _publishers;
    private readonly DemoSeeder _demoSeeder;
    private readonly DemoOptions? _demo;
    private readonly ControlPlaneReadiness _readiness;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger<ControlPlaneStartupService> _logger;
    private readonly StorageOptions _storage;
    private readonly BackupOptions _backup;

    public ControlPlaneStartupService(WardenDatabase database, IncrementalSnapshotBuilder builder, ReconcileSignal signal, IEnumerable<ISnapshotPublisher> publishers,
        DemoSeeder demoSeeder, ControlPlaneReadiness readiness, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ControlPlaneStartupService> logger,
        StorageOptions storage, DemoOptions? demo = null, BackupOptions? backup = null)
    {
        _storage = storage;
        _backup = backup ?? new BackupOptions();
        _database = database;
        _builder = builder;
        _signal = signal;
        _publishers = publishers;
        _demoSeeder = demoSeeder;
        _demo = demo;
        _readiness = readiness;
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
        // Whole entry-object snapshots are only needed by an in-process gateway; gateways over HTTP get wire parts.
        _builder.MaterializeKeys = publishers.Any();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // DR-4: an existing database with pending migrations is backed up first (or the start is refused).
            var applied = (await MigrationBackup.MigrateAsync(_database, _storage, _backup, skipBackup: false, "system", _time, _logger, stoppingToken)).Applied;
            if (applied.Count > 0)
            {
                LogMigrationsApplied(_logger, applied.Count, applied);
            }
            else
            {
                LogMigrationsUpToDate(_logger);
            }

            string? demoKey = null;
            if (_demo is not null)
            {
                demoKey = await _demoSeeder.SeedAsync(_demo.MockProviderApiBase, stoppingToken);
            }

            await ReconcileAsync(full: true, stoppingToken);
            await _builder.WarmUpAsync(stoppingToken);
            await ReconcileAsync(full: false, stoppingToken); // also compiles the incremental path's own queries
            _readiness.MarkReady();
            LogReady(_logger);
            if (_demo is not null)
            {
                _demo.Seeded.TrySetResult(new DemoInfo(new Uri(_demo.GatewayUrl, "/v1").ToString(), demoKey!, DemoSeeder.ChatModel));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Any start-up failure must stop the process with a clear log line, whatever its type.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStartupFailed(_logger, ex);
            _demo?.Seeded.TrySetException(ex);
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
            return;
        }

        var lastFull = _time.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _signal.WaitAsync(ReconcileInterval, _time, stoppingToken);
                var full = _time.GetUtcNow() - lastFull >= FullCheckInterval;
                try
                {
                    await ReconcileAsync(full, stoppingToken);
                    if (full)
                    {
                        lastFull = _time.GetUtcNow();
                    }
                }
#pragma warning disable CA1031 // A failed reconcile (database briefly down) is logged and retried; gateways keep their snapshot.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    LogReconcileFailed(_logger, ex);
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReconcileAsync(bool full, CancellationToken cancellationToken)
    {
        var outcome = await _builder.ReconcileAsync(full, cancellationToken);
        if (outcome.Changed || outcome.Kind == ReconcileKind.Full)
        {
            var snapshot = _builder.Current!;
            foreach (var publisher in _publishers)
            {
                publisher.Publish(snapshot);
            }
        }
    }

    [LoggerMessage(EventId = WardenEventIds.MigrationsApplied, Level = LogLevel.Information, Message = "Applied {Count} database migration(s): {Migrations}")]
    private static partial void LogMigrationsApplied(ILogger logger, int count, IReadOnlyList<string> migrations);

    [LoggerMessage(EventId = WardenEventIds.MigrationsUpToDate, Level = LogLevel.Information, Message = "Database schema is up to date")]
    private static partial void LogMigrationsUpToDate(ILogger logger);

    [LoggerMessage(EventId = WardenEventIds.ControlPlaneReady, Level = LogLevel.Information, Message = "Control plane ready")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(EventId = WardenEventIds.StartupFailed, Level = LogLevel.Critical, Message = "Control-plane start-up failed; stopping")]
    private static partial void LogStartupFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = WardenEventIds.ReconcileFailed, Level = LogLevel.Error, Message = "Reconcile failed; gateways keep their last snapshot")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);
}
