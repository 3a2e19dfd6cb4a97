using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Storage;

namespace Warden.ControlPlane.Hosting;

/// <summary>
/// Start-up work of the control plane, run after Kestrel listens so probes answer meanwhile: apply pending migrations
/// (under the migration lock, so only one replica migrates), then report ready. A failure stops the process.
/// </summary>
internal sealed partial class ControlPlaneStartupService : BackgroundService
{
    private readonly WardenDatabase _database;
    private readonly ControlPlaneReadiness _readiness;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<ControlPlaneStartupService> _logger;

    public ControlPlaneStartupService(WardenDatabase database, ControlPlaneReadiness readiness, IHostApplicationLifetime lifetime, ILogger<ControlPlaneStartupService> logger)
    {
        _database = database;
        _readiness = readiness;
        _lifetime = lifetime;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var applied = await _database.MigrateAsync(stoppingToken);
            if (applied.Count > 0)
            {
                LogMigrationsApplied(_logger, applied.Count, applied);
            }
            else
            {
                LogMigrationsUpToDate(_logger);
            }

            _readiness.MarkReady();
            LogReady(_logger);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Any start-up failure must stop the process with a clear log line, whatever its type.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStartupFailed(_logger, ex);
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }
    }

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.MigrationsApplied, Level = LogLevel.Information, Message = "Applied {Count} database migration(s): {Migrations}")]
    private static partial void LogMigrationsApplied(ILogger logger, int count, IReadOnlyList<string> migrations);

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.MigrationsUpToDate, Level = LogLevel.Information, Message = "Database schema is up to date")]
    private static partial void LogMigrationsUpToDate(ILogger logger);

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.ControlPlaneReady, Level = LogLevel.Information, Message = "Control plane ready")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(EventId = Core.Diagnostics.WardenEventIds.StartupFailed, Level = LogLevel.Critical, Message = "Control-plane start-up failed; stopping")]
    private static partial void LogStartupFailed(ILogger logger, Exception exception);
}
