using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Warden.ControlPlane.Hosting;
using Warden.Core.Diagnostics;
using Warden.Core.Usage;
using Warden.Storage.Ledger;

namespace Warden.ControlPlane.Usage;

/// <summary>
/// Takes usage batches from gateways into the ledger: decode (source-generated JSON), validate, bulk-write
/// idempotently. Both ways in use it — <c>POST /internal/usage</c> for standalone gateways and the in-process
/// transport of <c>warden serve</c> — so a single node runs the same code as a cluster.
/// </summary>
public sealed partial class UsageIngestService
{
    /// <summary>Most events accepted in one batch (gateways send 500).</summary>
    public const int MaxBatchEvents = 5_000;

    /// <summary>Largest accepted batch body: 8 MiB (an event is ~600 bytes of JSON).</summary>
    public const int MaxBatchBytes = 8 * 1024 * 1024;

    private readonly UsageLedgerWriter _writer;
    private readonly ControlPlaneReadiness _readiness;
    private readonly ILogger<UsageIngestService> _logger;

    /// <summary>Creates the service.</summary>
    public UsageIngestService(UsageLedgerWriter writer, ControlPlaneReadiness readiness, ILogger<UsageIngestService> logger)
    {
        _writer = writer;
        _readiness = readiness;
        _logger = logger;
    }

    /// <summary>
    /// Decodes a <see cref="UsageBatch"/> from UTF-8 JSON and stores it. Returns <see cref="UsageIngestStatus.Stored"/>
    /// only after the rows are committed.
    /// </summary>
    public async Task<UsageIngestResult> IngestAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        if (json.Length > MaxBatchBytes)
        {
            return Refuse(UsageIngestStatus.TooLarge, $"The batch is larger than {MaxBatchBytes} bytes.");
        }

        UsageBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize(json.Span, UsageJsonContext.Default.UsageBatch);
        }
        catch (JsonException ex)
        {
            // The serializer's message names the path and the problem (missing required member, wrong type, bad syntax).
            return Refuse(UsageIngestStatus.Invalid, "The batch is not valid usage JSON: " + ex.Message);
        }

        if (batch is null)
        {
            return Refuse(UsageIngestStatus.Invalid, "The batch is null.");
        }

        var problem = UsageBatchValidator.Validate(batch, MaxBatchEvents);
        if (problem is not null)
        {
            return Refuse(UsageIngestStatus.Invalid, problem);
        }

        if (!_readiness.IsReady)
        {
            // Before migrations finished the tables may not exist: ask the gateway to keep the events.
            return new UsageIngestResult(UsageIngestStatus.Unavailable, 0, 0, "The control plane is starting.");
        }

        var started = Stopwatch.GetTimestamp();
        int inserted;
        try
        {
            inserted = await _writer.WriteAsync(batch.Events, cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or SocketException or IOException)
        {
            LogUnavailable(_logger, batch.Events.Count, ex);
            return new UsageIngestResult(UsageIngestStatus.Unavailable, 0, 0, "The usage ledger is unavailable.");
        }

        var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogIngested(_logger, batch.Events.Count, inserted, milliseconds);
        return new UsageIngestResult(UsageIngestStatus.Stored, batch.Events.Count, inserted, null);
    }

    private UsageIngestResult Refuse(UsageIngestStatus status, string problem)
    {
        LogRejected(_logger, problem);
        return new UsageIngestResult(status, 0, 0, problem);
    }

    [LoggerMessage(EventId = WardenEventIds.UsageBatchIngested, Level = LogLevel.Debug, Message = "Usage batch stored: {Accepted} events, {Inserted} new, in {Milliseconds:F1} ms")]
    private static partial void LogIngested(ILogger logger, int accepted, int inserted, double milliseconds);

    [LoggerMessage(EventId = WardenEventIds.UsageBatchRejected, Level = LogLevel.Warning, Message = "Usage batch refused: {Problem}")]
    private static partial void LogRejected(ILogger logger, string problem);

    [LoggerMessage(EventId = WardenEventIds.UsageLedgerUnavailable, Level = LogLevel.Warning, Message = "Usage ledger unavailable; {Count} events left with the gateway")]
    private static partial void LogUnavailable(ILogger logger, int count, Exception exception);
}
