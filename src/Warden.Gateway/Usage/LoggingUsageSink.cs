using Microsoft.Extensions.Logging;
using Warden.Core.Diagnostics;
using Warden.Core.Usage;

namespace Warden.Gateway.Usage;

/// <summary>
/// Writes each usage event as one structured log line (ids, model, tokens, status — never content). The default sink
/// until a shipper to the control plane's ledger is registered.
/// </summary>
public sealed partial class LoggingUsageSink : IUsageSink
{
    private readonly ILogger<LoggingUsageSink> _logger;

    public LoggingUsageSink(ILogger<LoggingUsageSink> logger)
    {
        _logger = logger;
    }

    /// <inheritdoc />
    public void Publish(UsageEvent usageEvent)
    {
        ArgumentNullException.ThrowIfNull(usageEvent);
        Log(_logger, usageEvent.RequestId, usageEvent.Attempt, usageEvent.LogicalModel, usageEvent.ProviderName, usageEvent.UpstreamModel,
            usageEvent.Tokens.InputTokens, usageEvent.Tokens.OutputTokens, usageEvent.Tokens.CacheReadTokens, usageEvent.CostUsd, usageEvent.Status, usageEvent.HttpStatus, usageEvent.LatencyMs);
    }

    [LoggerMessage(EventId = WardenEventIds.UsageRecorded, Level = LogLevel.Information,
        Message = "usage request={RequestId} attempt={Attempt} model={LogicalModel} provider={Provider} upstream={UpstreamModel} in={InputTokens} out={OutputTokens} cached={CachedTokens} cost_usd={CostUsd} status={Status} http={HttpStatus} latency_ms={LatencyMs}")]
    private static partial void Log(ILogger logger, string requestId, int attempt, string logicalModel, string? provider, string? upstreamModel,
        long inputTokens, long outputTokens, long cachedTokens, decimal costUsd, string status, int httpStatus, long latencyMs);
}
