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
/// Keeps a standalone gateway's snapshot current: long-polls the control plane's <c>/internal/snapshot</c> with the
/// content id it has, applies whatever different snapshot comes back (also an older revision, after a restore), and
/// reports its applied snapshot on every poll. When the control plane is unreachable it keeps serving the last
/// snapshot and retries with backoff.
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = new Uri(_options.ControlPlaneUrl!),
            Timeout = PollWait + TimeSpan.FromSeconds(15),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.InternalToken);

        string? contentId = null;
        var backoff = TimeSpan.FromMilliseconds(250);
        var reachable = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var revision = _store.Current?.Revision;
                var url = string.Create(CultureInfo.InvariantCulture,
                    $"/internal/snapshot?wait={(contentId is null ? 0 : PollWait.TotalSeconds)}&gateway={Uri.EscapeDataString(_gatewayId)}&after={contentId}&revision={revision}");
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stoppingToken);
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
                await using var body = await response.Content.ReadAsStreamAsync(stoppingToken);
                var wire = await JsonSerializer.DeserializeAsync(body, SnapshotWireJsonContext.Default.SnapshotWire, stoppingToken)
                    ?? throw new InvalidDataException("Empty snapshot.");
                var snapshot = SnapshotWireMapper.FromWire(wire, _time.GetUtcNow());
                _store.Apply(snapshot);
                contentId = response.Headers.TryGetValues("x-warden-snapshot-id", out var ids) ? ids.FirstOrDefault() : null;
                LogApplied(_logger, snapshot.Revision, snapshot.Keys.Count, contentId);
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

    [LoggerMessage(EventId = WardenEventIds.SnapshotApplied, Level = LogLevel.Information, Message = "Applied configuration snapshot revision {Revision} ({Keys} keys, content {ContentId})")]
    private static partial void LogApplied(ILogger logger, long revision, int keys, string? contentId);

    [LoggerMessage(EventId = WardenEventIds.ControlPlaneUnreachable, Level = LogLevel.Warning, Message = "Control plane unreachable ({Error}); serving the last applied snapshot (revision {Revision}) and retrying")]
    private static partial void LogUnreachable(ILogger logger, string error, long? revision);

    [LoggerMessage(EventId = WardenEventIds.ControlPlaneReconnected, Level = LogLevel.Information, Message = "Control plane reachable again")]
    private static partial void LogReconnected(ILogger logger);

    [LoggerMessage(EventId = WardenEventIds.InternalTokenRejected, Level = LogLevel.Error, Message = "The control plane rejected this gateway's internal token (Gateway:InternalToken)")]
    private static partial void LogUnauthorized(ILogger logger);
}
