using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Diagnostics;

namespace Warden.Gateway.Usage;

/// <summary>Warns at start that a standalone gateway without <c>Gateway:IngestToken</c> logs usage instead of shipping it.</summary>
public sealed partial class UsageShippingDisabledNotice : IHostedService
{
    private readonly ILogger<UsageShippingDisabledNotice> _logger;

    /// <summary>Creates the notice.</summary>
    public UsageShippingDisabledNotice(ILogger<UsageShippingDisabledNotice> logger)
    {
        _logger = logger;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogDisabled(_logger);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = WardenEventIds.UsageShippingDisabled, Level = LogLevel.Warning, Message = "Gateway:IngestToken is not set: usage events are only logged, not shipped to the control plane's ledger")]
    private static partial void LogDisabled(ILogger logger);
}
