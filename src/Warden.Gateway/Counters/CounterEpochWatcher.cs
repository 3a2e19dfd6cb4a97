using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Budgets;
using Warden.Core.Diagnostics;
using Warden.Core.Snapshots;
using Warden.Gateway.Snapshots;

namespace Warden.Gateway.Counters;

/// <summary>
/// Notices when an applied snapshot carries a new counter epoch (the control plane's database was restored, recovered
/// to a point in time or replaced). Counter keys carry the epoch, so new requests use fresh counters by themselves and
/// budgets re-seed from the restored ledger; this watcher logs the change and lets the in-process memory store drop the
/// old epoch's counters (Redis keys of the old epoch simply expire with their period).
/// </summary>
public sealed partial class CounterEpochWatcher : IHostedService
{
    private readonly SnapshotStore _snapshots;
    private readonly ICounterStore _store;
    private readonly GatewayOptions _options;
    private readonly ILogger<CounterEpochWatcher> _logger;
    private readonly Lock _lock = new();
    private string? _epoch;

    public CounterEpochWatcher(SnapshotStore snapshots, ICounterStore store, GatewayOptions options, ILogger<CounterEpochWatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        _snapshots = snapshots;
        _store = store;
        _options = options;
        _logger = logger;
        _snapshots.Applied += OnApplied;
        if (snapshots.Current is { } current)
        {
            OnApplied(current);
        }
    }

    /// <summary>The epoch of the last applied snapshot (null before the first).</summary>
    public string? Epoch => _epoch;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _snapshots.Applied -= OnApplied;
        return Task.CompletedTask;
    }

    private void OnApplied(ConfigSnapshot snapshot)
    {
        var epoch = snapshot.CounterEpoch;
        lock (_lock)
        {
            if (_epoch == epoch)
            {
                return;
            }

            var previous = _epoch;
            _epoch = epoch;
            if (previous is null)
            {
                LogEpoch(_logger, epoch);
            }
            else
            {
                LogEpochChanged(_logger, previous, epoch);
            }

            if (_store is MemoryCounterStore memory)
            {
                memory.RetainOnly(CounterEpochs.KeyPrefix(_options.Counters.KeyPrefix, epoch));
            }
        }
    }

    [LoggerMessage(EventId = WardenEventIds.CounterEpochInitial, Level = LogLevel.Debug, Message = "Counter epoch '{Epoch}'")]
    private static partial void LogEpoch(ILogger logger, string epoch);

    [LoggerMessage(EventId = WardenEventIds.CounterEpochChanged, Level = LogLevel.Information,
        Message = "Counter epoch changed from '{Previous}' to '{Epoch}' (the control plane's database was restored or replaced): budget counters start afresh and re-seed from the ledger")]
    private static partial void LogEpochChanged(ILogger logger, string previous, string epoch);
}
