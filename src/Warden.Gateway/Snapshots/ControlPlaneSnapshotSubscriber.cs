using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Diagnostics;
using Warden.Core.Snapshots.Wire;

namespace Warden.Gateway.Snapshots;

/// <summary>
/// Keeps a standalone gateway's snapshot current: long-polls the control plane's <c>/internal/snapshot</c> saying which
/// configuration id, key base id and key sequence it has (that is also its applied-version report), applies what comes
/// back — a new configuration part, a new key base, or just a key delta — off the request path, and swaps the result
/// in atomically. Whatever the control plane serves is applied, including a lower revision after a database restore.
/// When the control plane is unreachable it keeps serving the last snapshot and retries with backoff.
/// </summary>
public sealed partial class ControlPlaneSnapshotSubscriber : BackgroundService
{
    /// <summary>How long one long-poll waits on the control plane for a change.</summary>
    public static readonly TimeSpan PollWait = TimeSpan.FromSeconds(25);

    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(5);

    private readonly GatewayOptions _options;
    private readonly SnapshotStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<ControlPlaneSnapshotSubscriber> _logger;
    private readonly string _gatewayId = Environment.MachineName + "-" + Guid.NewGuid().ToString("N")[..8];

    public ControlPlaneSnapshotSubscriber(GatewayOptions options, SnapshotStore store, TimeProvider time, ILogger<ControlPlaneSnapshotSubscriber> logger)
    {
        _options = options;
        _store = store;
        _time = time;
        _logger = logger;
    }

    /// <summary>This gateway's id on the snapshot channel.</summary>
    public string GatewayId => _gatewayId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = new Uri(_options.ControlPlaneUrl!),
            // A key base of a million keys is large: the timeout bounds a stalled transfer, not a slow one.
            Timeout = PollWait + TimeSpan.FromSeconds(120),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.InternalToken);

        var backoff = TimeSpan.FromMilliseconds(250);
        var reachable = true;
        var resync = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync(PollUrl(resync), HttpCompletionOption.ResponseHeadersRead, stoppingToken);
                if (!reachable)
                {
                    LogReconnected(_logger);
                    reachable = true;
                }

                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    backoff = TimeSpan.FromMilliseconds(250);
                    continue;
                }

                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    LogUnauthorized(_logger);
                    await Task.Delay(s_maxBackoff, _time, stoppingToken);
                    continue;
                }

                response.EnsureSuccessStatusCode();
                var received = Stopwatch.GetTimestamp();
                await using var body = await response.Content.ReadAsStreamAsync(stoppingToken);
                var update = await JsonSerializer.DeserializeAsync(body, SnapshotWireJsonContext.Default.SnapshotUpdateWire, stoppingToken)
                    ?? throw new InvalidDataException("Empty snapshot update.");
                var receiveTime = Stopwatch.GetElapsedTime(received);
                try
                {
                    var applying = Stopwatch.GetTimestamp();
                    var result = SnapshotUpdateApplier.Apply(_store.Current, update, _time.GetUtcNow());
                    _store.Apply(result.Snapshot);
                    var applyTime = Stopwatch.GetElapsedTime(applying);
                    resync = false;
                    LogApplied(_logger, result.Snapshot.Revision, result.What, result.Snapshot.Config.ContentId, result.Snapshot.Keys.BaseId, result.Snapshot.Keys.Sequence,
                        result.Snapshot.Keys.Count, result.Snapshot.Keys.OverlayCount, receiveTime.TotalMilliseconds, applyTime.TotalMilliseconds);
                }
                catch (InvalidDataException ex)
                {
                    // Keep serving the snapshot in force; ask for everything on the next poll.
                    LogRejected(_logger, ex.Message);
                    resync = true;
                    await Task.Delay(backoff, _time, stoppingToken);
                }

                backoff = TimeSpan.FromMilliseconds(250);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or JsonException or InvalidDataException or UriFormatException)
            {
                if (reachable)
                {
                    LogUnreachable(_logger, ex.GetType().Name, _store.Current?.Revision);
                    reachable = false;
                }

                try
                {
                    await Task.Delay(backoff, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(s_maxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    private string PollUrl(bool resync)
    {
        var current = resync ? null : _store.Current;
        return string.Create(CultureInfo.InvariantCulture,
            $"/internal/snapshot?wait={PollWait.TotalSeconds}&gateway={Uri.EscapeDataString(_gatewayId)}&config={current?.Config.ContentId}&keys={Uri.EscapeDataString(current?.Keys.BaseId ?? "")}&seq={current?.Keys.Sequence}&revision={_store.Current?.Revision}");
    }

    [LoggerMessage(EventId = WardenEventIds.SnapshotApplied, Level = LogLevel.Information,
        Message = "Applied snapshot revision {Revision} ({What}; config {ConfigId}, key base {KeyBaseId} at {KeySequence}, {Keys} keys, {Overlay} in overlay): received in {ReceiveMs:F1} ms, applied in {ApplyMs:F1} ms")]
    private static partial void LogApplied(ILogger logger, long revision, string what, string configId, string keyBaseId, long keySequence, int keys, int overlay, double receiveMs, double applyMs);

    [LoggerMessage(EventId = WardenEventIds.SnapshotUpdateRejected, Level = LogLevel.Error, Message = "Rejected a snapshot update ({Reason}); keeping the snapshot in force and resynchronizing")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = WardenEventIds.ControlPlaneUnreachable, Level = LogLevel.Warning, Message = "Control plane unreachable ({Error}); serving the last applied snapshot (revision {Revision}) and retrying")]
    private static partial void LogUnreachable(ILogger logger, string error, long? revision);

    [LoggerMessage(EventId = WardenEventIds.ControlPlaneReconnected, Level = LogLevel.Information, Message = "Control plane reachable again")]
    private static partial void LogReconnected(ILogger logger);

    [LoggerMessage(EventId = WardenEventIds.InternalTokenRejected, Level = LogLevel.Error, Message = "The control plane rejected this gateway's internal token (Gateway:InternalToken)")]
    private static partial void LogUnauthorized(ILogger logger);
}
