using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Warden.Core.Diagnostics;

namespace Warden.Gateway.Usage;

/// <summary>
/// <c>POST {control plane}/internal/usage</c> with the ingest token. 200 is delivered; 400 and 413 are refusals;
/// anything else (no connection, timeout, 401, 5xx) means "keep the events and retry".
/// </summary>
public sealed partial class HttpUsageTransport : IUsageTransport, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly ILogger<HttpUsageTransport> _logger;

    /// <summary>Creates a transport to <paramref name="controlPlaneUrl"/> presenting <paramref name="ingestToken"/>.</summary>
    public HttpUsageTransport(Uri controlPlaneUrl, string ingestToken, ILogger<HttpUsageTransport> logger)
    {
        ArgumentNullException.ThrowIfNull(controlPlaneUrl);
        ArgumentException.ThrowIfNullOrEmpty(ingestToken);
        _endpoint = new Uri(controlPlaneUrl, "/internal/usage");
        _authorization = new AuthenticationHeaderValue("Bearer", ingestToken);
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(3) })
        {
            Timeout = s_timeout,
        };
    }

    /// <inheritdoc />
    public async Task<UsageDelivery> SendAsync(ReadOnlyMemory<byte> batchJson, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ReadOnlyMemoryContent(batchJson) };
        request.Content.Headers.ContentType = s_json;
        request.Headers.Authorization = _authorization;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return UsageDelivery.Delivered;
                case HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType:
                    LogRefused(_logger, (int)response.StatusCode);
                    return UsageDelivery.Rejected;
                case HttpStatusCode.Unauthorized:
                    // A configuration error, not a reason to lose usage: keep the events until the token is fixed.
                    LogTokenRejected(_logger);
                    return UsageDelivery.Unavailable;
                default:
                    LogFailedStatus(_logger, (int)response.StatusCode);
                    return UsageDelivery.Unavailable;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            LogFailed(_logger, ex);
            return UsageDelivery.Unavailable;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimedOut(_logger);
            return UsageDelivery.Unavailable;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    [LoggerMessage(EventId = WardenEventIds.UsageBatchRefused, Level = LogLevel.Error, Message = "The control plane refused a usage batch as malformed (HTTP {Status})")]
    private static partial void LogRefused(ILogger logger, int status);

    [LoggerMessage(EventId = WardenEventIds.UsageIngestTokenRejected, Level = LogLevel.Error, Message = "The control plane rejected the ingest token (Gateway:IngestToken); usage events are kept in the spool")]
    private static partial void LogTokenRejected(ILogger logger);

    [LoggerMessage(EventId = WardenEventIds.UsageDeliveryFailed, Level = LogLevel.Debug, Message = "Usage batch not delivered: the control plane answered {Status}")]
    private static partial void LogFailedStatus(ILogger logger, int status);

    [LoggerMessage(EventId = WardenEventIds.UsageDeliveryFailed, Level = LogLevel.Debug, Message = "Usage batch not delivered: the control plane is unreachable")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = WardenEventIds.UsageDeliveryFailed, Level = LogLevel.Debug, Message = "Usage batch not delivered: no answer in time")]
    private static partial void LogTimedOut(ILogger logger);
}
