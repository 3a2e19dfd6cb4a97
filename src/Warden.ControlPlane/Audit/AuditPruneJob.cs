using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Warden.ControlPlane.Reconcile.Jobs;
using Warden.Core.Diagnostics;
using Warden.Storage;

namespace Warden.ControlPlane.Audit;

/// <summary>
/// Daily pruning of audit events older than <see cref="ControlPlaneOptions.AuditRetentionDays"/>. Runs on one
/// control-plane replica at a time (the background-job leader); the chain anchor moves with it so what remains verifies.
/// </summary>
public sealed partial class AuditPruneJob : IBackgroundJob
{
    /// <inheritdoc />
    public string Name => "audit-prune";

    /// <inheritdoc />
    public TimeSpan Interval => TimeSpan.FromDays(1);

    private readonly IDbContextFactory<WardenDbContext> _contexts;
    private readonly ControlPlaneOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditPruneJob> _logger;

    public AuditPruneJob(IDbContextFactory<WardenDbContext> contexts, ControlPlaneOptions options, TimeProvider time, ILogger<AuditPruneJob> logger)
    {
        _contexts = contexts;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task RunAsync(CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    /// <summary>Removes expired events; returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var cutoff = now - TimeSpan.FromDays(_options.AuditRetentionDays);
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var removed = await AuditChain.PruneAsync(db, cutoff, cancellationToken);
        if (removed > 0)
        {
            LogPruned(_logger, removed, _options.AuditRetentionDays);
            await AuditChain.AppendStandaloneAsync(_contexts,
                new AuditRecord("system", [], null, "audit.prune", $"events:{removed}", Storage.Entities.AuditOutcome.Allowed, 0, null, null), now, cancellationToken);
        }

        return removed;
    }

    [LoggerMessage(EventId = WardenEventIds.AuditPruned, Level = LogLevel.Information, Message = "Pruned {Count} audit event(s) older than {Days} days")]
    private static partial void LogPruned(ILogger logger, int count, int days);
}
