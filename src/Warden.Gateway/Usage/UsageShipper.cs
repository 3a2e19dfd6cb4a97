using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Diagnostics;
using Warden.Core.Usage;

namespace Warden.Gateway.Usage;

/// <summary>
/// The gateway's <see cref="IUsageSink"/>: ships usage events to the control plane's ledger without ever blocking a
/// request and without losing an event.
/// <list type="number">
/// <item><see cref="Publish"/> only enqueues into an unbounded channel (no I/O, no lock on the request path).</item>
/// <item>One background loop takes batches of up to <see cref="GatewayOptions.UsageBatchSize"/> events, waiting at most
/// <see cref="GatewayOptions.UsageBatchDelayMs"/> for a batch to fill, and hands each to the
/// <see cref="IUsageTransport"/>.</item>
/// <item>A batch that cannot be delivered — or any batch while the spool still holds events (so order is kept), or
/// while more than <see cref="GatewayOptions.UsageQueueLimit"/> events wait in memory — is appended to the durable
/// <see cref="UsageSpool"/> (fsync per batch).</item>
/// <item>The same loop re-sends spooled batches oldest first, with backoff (250 ms doubling to 5 s) while the
/// control plane does not answer, and removes them only once acknowledged.</item>
/// <item>On shutdown (after the web server stopped taking requests) the queue is flushed to the control plane, or
/// to the spool if it cannot be reached.</item>
/// </list>
/// </summary>
public sealed partial class UsageShipper : IUsageSink, IHostedLifecycleService, IAsyncDisposable
{
    private static readonly TimeSpan s_minBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(15);

    // Spooled records re-sent per loop turn before the queue is looked at again.
    private const int DrainRecordsPerTurn = 16;

    private readonly Channel<UsageEvent> _channel = Channel.CreateUnbounded<UsageEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IUsageTransport _transport;
    private readonly UsageSpool _spool;
    private readonly TimeProvider _time;
    private readonly ILogger<UsageShipper> _logger;
    private readonly int _batchSize;
    private readonly TimeSpan _batchDelay;
    private readonly int _queueLimit;
    private readonly CancellationTokenSource _abort = new();

    // The batch payload is serialized into this buffer, reused by every batch (only the shipping loop uses it).
    private readonly ArrayBufferWriter<byte> _payload = new(64 * 1024);
    private Utf8JsonWriter? _payloadWriter;
    private Task? _loop;
    private long _queued;
    private TimeSpan _backoff = s_minBackoff;
    private DateTimeOffset _nextDrain;
    private bool _outage;
    private long _outageStarted;
    private long _drainedInOutage;

    /// <summary>Creates the shipper (start it as a hosted service).</summary>
    public UsageShipper(IUsageTransport transport, UsageSpool spool, GatewayOptions options, TimeProvider time, ILogger<UsageShipper> logger, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(spool);
        ArgumentNullException.ThrowIfNull(options);
        _transport = transport;
        _spool = spool;
        _time = time;
        _logger = logger;
        _batchSize = options.UsageBatchSize;
        _batchDelay = TimeSpan.FromMilliseconds(options.UsageBatchDelayMs);
        _queueLimit = options.UsageQueueLimit;
        Metrics = new UsageShipperMetrics(meterFactory, () => spool.PendingEvents, () => Interlocked.Read(ref _queued));
    }

    /// <summary>The shipper's metrics (also readable as totals).</summary>
    public UsageShipperMetrics Metrics { get; }

    /// <summary>Events waiting in memory.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <inheritdoc />
    public void Publish(UsageEvent usageEvent)
    {
        ArgumentNullException.ThrowIfNull(usageEvent);
        Interlocked.Increment(ref _queued);
        if (_channel.Writer.TryWrite(usageEvent))
        {
            return;
        }

        // Only after the final flush (a request that outlived the web server's shutdown): keep it on disk.
        Interlocked.Decrement(ref _queued);
        var payload = Serialize([usageEvent]);
        _spool.Append(payload, 1);
        Metrics.Spooled(1);
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _nextDrain = _time.GetUtcNow();
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    /// <remarks>Nothing here: the web server may still be finishing requests that publish events.</remarks>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After every hosted service (the web server included) has stopped: flush the queue.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken) => FlushAsync();

    /// <summary>
    /// Completes the queue and waits for the loop to deliver or spool everything in it (bounded: after 15 s pending
    /// sends are abandoned and their batches spooled).
    /// </summary>
    public async Task FlushAsync()
    {
        if (!_channel.Writer.TryComplete() || _loop is null)
        {
            return;
        }

        try
        {
            await _loop.WaitAsync(s_stopTimeout, _time);
        }
        catch (TimeoutException)
        {
            await _abort.CancelAsync();
            await _loop;
        }

        LogFlushed(_logger, Metrics.DeliveredTotal, Metrics.SpooledTotal, _spool.PendingEvents);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await FlushAsync();
        _abort.Dispose();
        _payloadWriter?.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<UsageEvent>(_batchSize);
        while (true)
        {
            bool open;
            try
            {
                open = await FillAsync(batch);
                if (batch.Count > 0)
                {
                    await ShipAsync(batch);
                    batch.Clear();
                }

                if (_spool.HasPending && _time.GetUtcNow() >= _nextDrain)
                {
                    await DrainAsync();
                }
            }
            catch (IOException ex)
            {
                // The spool could not be written (disk full?): keep the batch in memory and try again shortly.
                LogSpoolFailed(_logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), _time);
                continue;
            }

            if (!open)
            {
                return;
            }
        }
    }

    /// <summary>Fills <paramref name="batch"/>; false once the queue is completed and empty.</summary>
    private async Task<bool> FillAsync(List<UsageEvent> batch)
    {
        var reader = _channel.Reader;
        TakeAvailable(batch);
        if (batch.Count >= _batchSize)
        {
            return true;
        }

        if (batch.Count == 0)
        {
            // Wait for the first event; while the spool holds events, only until the next drain attempt is due.
            TimeSpan? limit = _spool.HasPending ? Max(_nextDrain - _time.GetUtcNow(), TimeSpan.Zero) : null;
            if (!await WaitAsync(limit))
            {
                return !reader.Completion.IsCompleted;
            }

            TakeAvailable(batch);
        }

        // Linger also while the spool holds events: during an outage every batch becomes one fsync and, later, one
        // request of the drain, so small batches would make both slow.
        var deadline = _time.GetUtcNow() + _batchDelay;
        while (batch.Count < _batchSize)
        {
            var left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero || !await WaitAsync(left))
            {
                break;
            }

            TakeAvailable(batch);
        }

        return true;
    }

    private void TakeAvailable(List<UsageEvent> batch)
    {
        while (batch.Count < _batchSize && _channel.Reader.TryRead(out var item))
        {
            Interlocked.Decrement(ref _queued);
            batch.Add(item);
        }
    }

    /// <summary>True when an event is available; false on timeout or when the queue is completed and empty.</summary>
    private async Task<bool> WaitAsync(TimeSpan? limit)
    {
        if (limit is { } wait && wait <= TimeSpan.Zero)
        {
            return _channel.Reader.TryPeek(out _);
        }

        using var timeout = limit is { } l ? new CancellationTokenSource(l, _time) : new CancellationTokenSource();
        try
        {
            return await _channel.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ShipAsync(List<UsageEvent> batch)
    {
        var payload = SerializeBatch(batch);
        if (_spool.HasPending || Interlocked.Read(ref _queued) > _queueLimit)
        {
            Spool(payload, batch.Count, _spool.HasPending ? "earlier events are still spooled" : "the in-memory queue is over its limit");
            return;
        }

        switch (await SendAsync(payload))
        {
            case UsageDelivery.Delivered:
                Metrics.Delivered(batch.Count);
                break;
            case UsageDelivery.Rejected:
                _spool.SaveRejected(payload.Span);
                Metrics.Rejected(batch.Count);
                break;
            default:
                Spool(payload, batch.Count, "the control plane did not take the batch");
                Backoff();
                break;
        }
    }

    private async Task DrainAsync()
    {
        for (var i = 0; i < DrainRecordsPerTurn && _spool.TryPeek(out var record); i++)
        {
            switch (await SendAsync(record.Payload))
            {
                case UsageDelivery.Delivered:
                    _spool.Acknowledge(record);
                    Metrics.Delivered(record.EventCount);
                    _drainedInOutage += record.EventCount;
                    _backoff = s_minBackoff;
                    break;
                case UsageDelivery.Rejected:
                    _spool.Reject(record);
                    Metrics.Rejected(record.EventCount);
                    break;
                default:
                    Backoff();
                    return;
            }
        }

        if (!_spool.HasPending && _outage)
        {
            _outage = false;
            var seconds = Stopwatch.GetElapsedTime(_outageStarted).TotalSeconds;
            LogDrained(_logger, _drainedInOutage, seconds);
            _drainedInOutage = 0;
        }
    }

    private async Task<UsageDelivery> SendAsync(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return await _transport.SendAsync(payload, _abort.Token);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            return UsageDelivery.Unavailable;
        }
    }

    private void Spool(ReadOnlyMemory<byte> payload, int count, string reason)
    {
        _spool.Append(payload.Span, count);
        Metrics.Spooled(count);
        if (!_outage)
        {
            _outage = true;
            _outageStarted = Stopwatch.GetTimestamp();
            LogSpooling(_logger, reason, _spool.Directory);
        }
    }

    private void Backoff()
    {
        _nextDrain = _time.GetUtcNow() + _backoff;
        _backoff = _backoff * 2 > s_maxBackoff ? s_maxBackoff : _backoff * 2;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private ReadOnlyMemory<byte> SerializeBatch(List<UsageEvent> batch)
    {
        _payload.ResetWrittenCount();
        if (_payloadWriter is null)
        {
            _payloadWriter = new Utf8JsonWriter(_payload);
        }
        else
        {
            _payloadWriter.Reset(_payload);
        }

        JsonSerializer.Serialize(_payloadWriter, new UsageBatch { Events = [.. batch] }, UsageJsonContext.Default.UsageBatch);
        return _payload.WrittenMemory;
    }

    private static byte[] Serialize(UsageEvent[] events) =>
        JsonSerializer.SerializeToUtf8Bytes(new UsageBatch { Events = events }, UsageJsonContext.Default.UsageBatch);

    [LoggerMessage(EventId = WardenEventIds.UsageSpooling, Level = LogLevel.Warning, Message = "Spooling usage events to {Directory}: {Reason}")]
    private static partial void LogSpooling(ILogger logger, string reason, string directory);

    [LoggerMessage(EventId = WardenEventIds.UsageSpoolDrained, Level = LogLevel.Information, Message = "Usage spool drained: {Events} spooled event(s) delivered; the outage lasted {Seconds:F1} s")]
    private static partial void LogDrained(ILogger logger, long events, double seconds);

    [LoggerMessage(EventId = WardenEventIds.UsageShipperFlushed, Level = LogLevel.Information, Message = "Usage shipper stopped: {Delivered} event(s) delivered, {Spooled} spooled in this run, {Pending} waiting in the spool")]
    private static partial void LogFlushed(ILogger logger, long delivered, long spooled, long pending);

    [LoggerMessage(EventId = WardenEventIds.UsageSpoolWriteFailed, Level = LogLevel.Error, Message = "Usage spool could not be written; retrying, events stay in memory")]
    private static partial void LogSpoolFailed(ILogger logger, Exception exception);
}
