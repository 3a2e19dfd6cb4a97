using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Warden.Core.Buffers;
using Warden.Core.Diagnostics;
using Warden.Core.Errors;
using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Gateway.Credentials;
using Warden.Gateway.Errors;
using Warden.Gateway.Pipeline;
using Warden.Gateway.Usage;
using Warden.Providers.Abstractions;
using Warden.Providers.Sse;

namespace Warden.Gateway.Forwarding;

/// <summary>
/// Gate 6, the provider: sends the request to the route's targets in plan order, with bounded, jittered retries per
/// target and fallback to the next target — but only before the commit point, the first byte written to the client.
/// Streams are relayed event by event as they arrive. After the commit point an upstream failure ends the stream with
/// an in-stream error event; if the client goes away, the upstream is drained (bounded) so the real usage is recorded.
/// Every attempt produces one usage event.
/// </summary>
public sealed partial class ProviderForwarder
{
    /// <summary>Largest non-streaming upstream body accepted (embeddings of large batches are the big ones).</summary>
    public const int MaxResponseBytes = 64 * 1024 * 1024;

    /// <summary>How long an abandoned stream is drained for its usage before giving up.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpMessageInvoker _http;
    private readonly ProviderAdapterRegistry _adapters;
    private readonly CredentialResolver _credentials;
    private readonly CircuitBreaker _breaker;
    private readonly IUsageSink _usage;
    private readonly TimeProvider _time;
    private readonly ILogger<ProviderForwarder> _logger;

    public ProviderForwarder(UpstreamHttpClient http, ProviderAdapterRegistry adapters, CredentialResolver credentials, CircuitBreaker breaker,
        IUsageSink usage, TimeProvider time, ILogger<ProviderForwarder> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http.Invoker;
        _adapters = adapters;
        _credentials = credentials;
        _breaker = breaker;
        _usage = usage;
        _time = time;
        _logger = logger;
    }

    /// <summary>The endpoint handler for chat completions, completions and embeddings.</summary>
    public async Task ForwardAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<IGatewayRequestFeature>()!;
        var route = feature.Route!;
        var operation = feature.Operation.Operation!.Value;
        var outcome = new UsageOutcomeFeature();
        context.Features.Set<IUsageOutcomeFeature>(outcome);

        var lastFailure = AttemptFailure.None;
        var attempt = 0;
        foreach (var target in TargetPlanner.Plan(route, Random.Shared))
        {
            var adapter = _adapters.Find(target.Provider.Kind);
            if (adapter is null || !adapter.Supports(operation))
            {
                lastFailure = lastFailure == AttemptFailure.None ? AttemptFailure.Unsupported : lastFailure;
                continue;
            }

            if (!_breaker.AllowRequest(target.TargetKey))
            {
                lastFailure = AttemptFailure.CircuitOpen;
                continue;
            }

            string? credential;
            try
            {
                credential = _credentials.Resolve(target.Provider.CredentialReference);
            }
            catch (CredentialUnavailableException ex)
            {
                LogCredentialUnavailable(_logger, target.Provider.Name, ex.Message);
                lastFailure = AttemptFailure.CredentialUnavailable;
                continue;
            }

            var call = new UpstreamCall
            {
                Operation = operation,
                ClientBody = feature.Body,
                Facts = feature.Facts!,
                Target = target,
                Credential = credential,
            };

            for (var i = 1; i <= Math.Max(1, route.MaxAttemptsPerTarget); i++)
            {
                attempt++;
                var result = await AttemptAsync(context, feature, adapter, call, attempt, outcome);
                if (result == AttemptFailure.None)
                {
                    return;
                }

                _breaker.RecordFailure(target.TargetKey);
                lastFailure = result;
                LogAttemptFailed(_logger, context.TraceIdentifier, attempt, target.Provider.Name, target.UpstreamModel, result);
                if (context.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                if (i < route.MaxAttemptsPerTarget)
                {
                    await DelayBeforeRetryAsync(route.RetryBackoff, i, context.RequestAborted);
                }
            }
        }

        await WriteFinalFailureAsync(context, lastFailure, feature.Facts!.Model, operation);
    }

    // Returns None when the request is finished (successfully, with an upstream client error passed on, after the
    // commit point, or because the client left); otherwise the retryable failure.
    private async Task<AttemptFailure> AttemptAsync(HttpContext context, IGatewayRequestFeature feature, IProviderAdapter adapter, UpstreamCall call, int attempt, UsageOutcomeFeature outcome)
    {
        var target = call.Target;
        using var request = adapter.CreateRequest(call);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(target.Timeout);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, timeout.Token);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Publish(feature, call, attempt, null, "cancelled", 0);
            return AttemptFailure.None;
        }
        catch (OperationCanceledException)
        {
            Publish(feature, call, attempt, null, "upstream_timeout", 0);
            return AttemptFailure.Timeout;
        }
        catch (HttpRequestException)
        {
            Publish(feature, call, attempt, null, "upstream_unavailable", 0);
            return AttemptFailure.ConnectFailed;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status == 429 || status >= 500)
            {
                if (status == 429 && response.Headers.RetryAfter is { } retryAfter)
                {
                    // Remembered for the client if every target ends up rate limited.
                    var delay = retryAfter.Delta ?? (retryAfter.Date - _time.GetUtcNow());
                    context.Features.Set(new UpstreamRetryAfter(delay is { } d && d > TimeSpan.Zero ? d : TimeSpan.FromSeconds(1)));
                }

                Publish(feature, call, attempt, null, "upstream_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture), 0);
                return status == 429 ? AttemptFailure.RateLimited : AttemptFailure.ServerError;
            }

            if (status >= 400)
            {
                return await PassUpstreamErrorAsync(context, feature, adapter, call, attempt, response, timeout.Token);
            }

            var isStream = call.Facts.Stream && call.Operation != OperationKind.Embeddings
                && response.Content.Headers.ContentType?.MediaType is "text/event-stream";
            return isStream
                ? await RelayStreamAsync(context, feature, adapter, call, attempt, response, outcome)
                : await RelayBodyAsync(context, feature, adapter, call, attempt, response, timeout, outcome);
        }
    }

    private async Task<AttemptFailure> RelayBodyAsync(HttpContext context, IGatewayRequestFeature feature, IProviderAdapter adapter, UpstreamCall call, int attempt,
        HttpResponseMessage response, CancellationTokenSource timeout, UsageOutcomeFeature outcome)
    {
        byte[] body;
        int length;
        try
        {
            (body, length) = await ReadBoundedAsync(response.Content, timeout.Token);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Publish(feature, call, attempt, null, "cancelled", 0);
            return AttemptFailure.None;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or InvalidDataException)
        {
            Publish(feature, call, attempt, null, "upstream_error", 0);
            return ex is OperationCanceledException ? AttemptFailure.Timeout : AttemptFailure.StreamBroken;
        }

        try
        {
            using var output = new PooledBufferWriter(length + 256);
            var translation = adapter.TranslateResponse(call, body.AsSpan(0, length), output);
            var usage = translation.Usage ?? Estimate(call.Facts);
            outcome.Usage = usage;
            outcome.Target = call.Target;
            _breaker.RecordSuccess(call.Target.TargetKey);

            // Settle before the client has the answer: its next request must not meet this one's reservation.
            if (context.Features.Get<IBudgetSettlementFeature>() is { } settlement)
            {
                await settlement.SettleAsync(usage, call.Target);
            }

            var httpResponse = context.Response;
            httpResponse.StatusCode = StatusCodes.Status200OK;
            httpResponse.ContentType = "application/json";
            httpResponse.ContentLength = output.WrittenCount;
            try
            {
                await httpResponse.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
                Publish(feature, call, attempt, usage, "ok", 200, translation.Usage is not null);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The upstream did the work: bill it even though the client left.
                Publish(feature, call, attempt, usage, "client_disconnected", 0, translation.Usage is not null);
            }

            return AttemptFailure.None;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private async Task<AttemptFailure> RelayStreamAsync(HttpContext context, IGatewayRequestFeature feature, IProviderAdapter adapter, UpstreamCall call, int attempt,
        HttpResponseMessage response, UsageOutcomeFeature outcome)
    {
        var target = call.Target;
        var translator = adapter.CreateStreamTranslator(call);
        using var pending = new PooledBufferWriter(4096);
        var scratch = new ArrayBufferWriter<byte>(); // only multi-line data events use it
        byte[]? joined = null;
        var committed = false;
        var clientGone = false;
        var broken = false;
        var settledEarly = false;
        DateTimeOffset? drainUntil = null;

        // Reads are not tied to the client: after the commit point a departed client must not stop the drain.
        using var read = new CancellationTokenSource();
        await using var clientAbort = context.RequestAborted.Register(static state =>
        {
            var (cts, getCommitted) = ((CancellationTokenSource, Func<bool>))state!;
            if (!getCommitted())
            {
                cts.Cancel();
            }
        }, (read, (Func<bool>)(() => Volatile.Read(ref committed))));

        Stream upstream;
        try
        {
            read.CancelAfter(target.Timeout);
            upstream = await response.Content.ReadAsStreamAsync(read.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            Publish(feature, call, attempt, null, context.RequestAborted.IsCancellationRequested ? "cancelled" : "upstream_error", 0);
            return context.RequestAborted.IsCancellationRequested ? AttemptFailure.None : AttemptFailure.StreamBroken;
        }

        var reader = PipeReader.Create(upstream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: false));
        try
        {
            while (true)
            {
                var wait = target.Timeout;
                if (drainUntil is { } until)
                {
                    var left = until - _time.GetUtcNow();
                    if (left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    wait = left < wait ? left : wait;
                }

                if (!read.TryReset())
                {
                    break;
                }

                read.CancelAfter(wait);
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(read.Token);
                }
                catch (OperationCanceledException)
                {
                    broken = !clientGone || committed;
                    clientGone |= context.RequestAborted.IsCancellationRequested;
                    break;
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    broken = true;
                    break;
                }

                var buffer = result.Buffer;
                while (SseFraming.TryReadEvent(ref buffer, out var raw))
                {
                    ReadOnlySpan<byte> span;
                    if (raw.IsSingleSegment)
                    {
                        span = raw.FirstSpan;
                    }
                    else
                    {
                        var size = (int)raw.Length;
                        if (joined is null || joined.Length < size)
                        {
                            if (joined is not null)
                            {
                                ArrayPool<byte>.Shared.Return(joined);
                            }

                            joined = ArrayPool<byte>.Shared.Rent(size);
                        }

                        raw.CopyTo(joined);
                        span = joined.AsSpan(0, size);
                    }

                    var sseEvent = SseParser.Parse(span, scratch);
                    translator.OnEvent(sseEvent, span, pending);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);

                // The stream's end is in what is about to be written: settle first, so a client that sends its next
                // request as soon as it sees the end is admitted against settled counters.
                if (translator.IsFinished && !settledEarly && context.Features.Get<IBudgetSettlementFeature>() is { } settlement)
                {
                    settledEarly = true;
                    await settlement.SettleAsync(translator.Usage ?? Estimate(call.Facts), call.Target);
                }

                if (pending.WrittenCount > 0)
                {
                    if (!clientGone)
                    {
                        if (!committed)
                        {
                            if (context.RequestAborted.IsCancellationRequested)
                            {
                                clientGone = true;
                                break;
                            }

                            CommitStreamHeaders(context.Response);
                            Volatile.Write(ref committed, true);
                        }

                        try
                        {
                            var flush = await context.Response.BodyWriter.WriteAsync(pending.WrittenMemory, context.RequestAborted);
                            if (flush.IsCanceled || flush.IsCompleted)
                            {
                                clientGone = true;
                            }
                        }
                        catch (Exception ex) when (ex is OperationCanceledException or IOException)
                        {
                            clientGone = true;
                        }

                        if (clientGone)
                        {
                            drainUntil = _time.GetUtcNow() + DrainTimeout;
                            LogDraining(_logger, context.TraceIdentifier);
                        }
                    }

                    pending.ResetWrittenCount();
                }

                if (translator.IsFinished || result.IsCompleted)
                {
                    if (result.IsCompleted && !broken)
                    {
                        translator.OnCompleted(pending);
                        if (pending.WrittenCount > 0 && committed && !clientGone)
                        {
                            try
                            {
                                await context.Response.BodyWriter.WriteAsync(pending.WrittenMemory, context.RequestAborted);
                            }
                            catch (Exception ex) when (ex is OperationCanceledException or IOException)
                            {
                                clientGone = true;
                            }
                        }

                        pending.ResetWrittenCount();
                    }

                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
            if (joined is not null)
            {
                ArrayPool<byte>.Shared.Return(joined);
            }
        }

        if (!committed)
        {
            if (clientGone || context.RequestAborted.IsCancellationRequested)
            {
                Publish(feature, call, attempt, translator.Usage, "cancelled", 0, translator.Usage is not null);
                return AttemptFailure.None;
            }

            // Nothing reached the client yet: this attempt may be retried or fall back.
            Publish(feature, call, attempt, null, "upstream_error", 0);
            return AttemptFailure.StreamBroken;
        }

        var finished = translator.IsFinished && !broken;
        var usage = translator.Usage ?? Estimate(call.Facts);
        outcome.Usage = usage;
        outcome.Target = call.Target;
        if (finished)
        {
            _breaker.RecordSuccess(target.TargetKey);
        }
        else
        {
            _breaker.RecordFailure(target.TargetKey);
            LogStreamBroken(_logger, context.TraceIdentifier, target.Provider.Name, clientGone);

            // When the upstream reported the error in its stream, the translator already relayed it as an error event.
            if (!clientGone && translator.UpstreamError is null)
            {
                await WriteInStreamErrorAsync(context);
            }
        }

        var status = clientGone ? "client_disconnected" : finished ? "ok" : "upstream_error";
        Publish(feature, call, attempt, usage, status, clientGone ? 0 : 200, translator.Usage is not null);
        return AttemptFailure.None;
    }

    private async Task<AttemptFailure> PassUpstreamErrorAsync(HttpContext context, IGatewayRequestFeature feature, IProviderAdapter adapter, UpstreamCall call, int attempt,
        HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        byte[] body;
        int length;
        try
        {
            (body, length) = await ReadBoundedAsync(response.Content, cancellationToken, 64 * 1024);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or InvalidDataException)
        {
            (body, length) = (ArrayPool<byte>.Shared.Rent(1), 0);
        }

        try
        {
            // The client's request was at fault (400, 413, 422…): pass it on. An upstream 401/403/404 means the
            // provider's configuration is wrong, not the client: that is a gateway-side upstream error.
            var clientStatus = status is 400 or 413 or 422 ? (status == 422 ? 400 : status) : StatusCodes.Status502BadGateway;
            using var output = new PooledBufferWriter(length + 256);
            adapter.TranslateError(call, status, body.AsSpan(0, length), output);
            context.Response.StatusCode = clientStatus;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
            Publish(feature, call, attempt, null, "upstream_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture), clientStatus);
            return AttemptFailure.None;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private static void CommitStreamHeaders(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    private static async Task WriteInStreamErrorAsync(HttpContext context)
    {
        const string message = "The upstream provider stopped before the answer was complete.";
        var output = new ArrayBufferWriter<byte>(256);
        output.Write("data: "u8);
        using (var writer = new System.Text.Json.Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            writer.WriteString("message"u8, message);
            writer.WriteString("type"u8, "server_error");
            writer.WriteString("code"u8, "upstream_error");
            writer.WriteNull("param"u8);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        output.Write("\n\n"u8);
        try
        {
            await context.Response.BodyWriter.WriteAsync(output.WrittenMemory, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
    }

    private static Task WriteFinalFailureAsync(HttpContext context, AttemptFailure failure, string model, OperationKind operation)
    {
        var (error, message) = failure switch
        {
            AttemptFailure.Timeout => (GatewayError.UpstreamTimeout, "The upstream provider did not answer in time."),
            AttemptFailure.ServerError or AttemptFailure.StreamBroken => (GatewayError.UpstreamError, "The upstream provider failed to answer."),
            AttemptFailure.RateLimited => (GatewayError.RateLimitExceeded, "The upstream provider is rate limiting requests for this model (scope: upstream); retry after the Retry-After delay."),
            AttemptFailure.Unsupported => (GatewayError.InvalidRequest, $"The model '{model}' does not support {OperationName(operation)}."),
            AttemptFailure.CircuitOpen => (GatewayError.UpstreamUnavailable, "Every upstream target of this model is cooling down after repeated failures."),
            AttemptFailure.CredentialUnavailable => (GatewayError.UpstreamUnavailable, "The upstream provider's credential is not available to the gateway."),
            _ => (GatewayError.UpstreamUnavailable, "The upstream provider could not be reached."),
        };
        if (failure == AttemptFailure.RateLimited)
        {
            var retryAfter = context.Features.Get<UpstreamRetryAfter>()?.Delay ?? TimeSpan.FromSeconds(1);
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ErrorResponseWriter.WriteAsync(context, error, message, failure == AttemptFailure.Unsupported ? "model" : null);
    }

    private static string OperationName(OperationKind operation) => operation switch
    {
        OperationKind.ChatCompletions => "chat completions",
        OperationKind.Completions => "legacy completions",
        _ => "embeddings",
    };

    private async Task DelayBeforeRetryAsync(TimeSpan baseDelay, int attemptOnTarget, CancellationToken cancellationToken)
    {
        // Exponential backoff with full jitter, capped so a retry never waits longer than two seconds.
        var ceiling = Math.Min(2000, baseDelay.TotalMilliseconds * Math.Pow(2, attemptOnTarget - 1));
        var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
        try
        {
            await Task.Delay(delay, _time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<(byte[] Buffer, int Length)> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken, int limit = MaxResponseBytes)
    {
        var declared = content.Headers.ContentLength;
        if (declared > limit)
        {
            throw new InvalidDataException("The upstream body is larger than the gateway accepts.");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(declared is > 0 and var d ? (int)d + 1 : 16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= limit)
                    {
                        throw new InvalidDataException("The upstream body is larger than the gateway accepts.");
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(limit, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    // When a provider reports no usage, the prompt is estimated at ~4 UTF-8 bytes per token (output unknown).
    private static TokenUsage Estimate(RequestFacts facts) => new((facts.PromptTextBytes + 3) / 4, 0, 0, 0);

    private void Publish(IGatewayRequestFeature feature, UpstreamCall call, int attempt, TokenUsage? usage, string status, int httpStatus, bool reported = false)
    {
        var consumer = feature.Key!.Consumer;
        var groups = consumer.Groups;
        var groupIds = new Guid[groups.Length];
        for (var i = 0; i < groups.Length; i++)
        {
            groupIds[i] = groups[i].Id;
        }

        var tokens = usage ?? default;
        var cost = feature.Snapshot.Prices.Cost(call.Target.UpstreamModel, call.Facts.Model, tokens);
        _usage.Publish(new UsageEvent
        {
            EventId = Guid.CreateVersion7(_time.GetUtcNow()),
            OccurredAt = _time.GetUtcNow(),
            OrganizationId = consumer.Project.OrganizationId,
            ProjectId = consumer.Project.Id,
            ConsumerId = consumer.Id,
            GroupIds = groupIds,
            KeyId = feature.Key.Id,
            LogicalModel = call.Facts.Model,
            ProviderName = call.Target.Provider.Name,
            UpstreamModel = call.Target.UpstreamModel,
            Tokens = tokens,
            UsageReported = reported,
            CostUsd = cost ?? 0m,
            Priced = cost is not null || tokens.TotalTokens == 0,
            Status = status,
            HttpStatus = httpStatus,
            LatencyMs = (long)Stopwatch.GetElapsedTime(feature.StartTimestamp).TotalMilliseconds,
            RequestId = feature.RequestId,
            Attempt = attempt,
        });
    }

    [LoggerMessage(EventId = WardenEventIds.UpstreamAttemptFailed, Level = LogLevel.Warning, Message = "Request {RequestId} attempt {Attempt} on {Provider}/{UpstreamModel} failed: {Failure}")]
    private static partial void LogAttemptFailed(ILogger logger, string requestId, int attempt, string provider, string upstreamModel, AttemptFailure failure);

    [LoggerMessage(EventId = WardenEventIds.UpstreamStreamBroken, Level = LogLevel.Warning, Message = "Request {RequestId}: the stream from {Provider} ended early after the commit point (client gone: {ClientGone})")]
    private static partial void LogStreamBroken(ILogger logger, string requestId, string provider, bool clientGone);

    [LoggerMessage(EventId = WardenEventIds.ClientDisconnectedDraining, Level = LogLevel.Information, Message = "Request {RequestId}: client disconnected mid-stream; draining the upstream for its usage")]
    private static partial void LogDraining(ILogger logger, string requestId);

    [LoggerMessage(EventId = WardenEventIds.CredentialUnavailable, Level = LogLevel.Error, Message = "Provider {Provider}: {Reason}")]
    private static partial void LogCredentialUnavailable(ILogger logger, string provider, string reason);
}
