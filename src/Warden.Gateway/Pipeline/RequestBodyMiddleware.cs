using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Warden.Core.Errors;
using Warden.Gateway.Errors;
using Warden.Gateway.Parsing;
using Warden.Providers.Abstractions;

namespace Warden.Gateway.Pipeline;

/// <summary>
/// Reads the request body exactly once, under the size cap (413 <c>payload_too_large</c>), requires JSON, and peeks at
/// the fields the later gates need (400 with a precise message and <c>param</c> otherwise).
/// </summary>
public sealed class RequestBodyMiddleware
{
    /// <summary>Most bytes of an oversized body read and discarded so the client sees the 413.</summary>
    private const long DiscardLimitBytes = 64L * 1024 * 1024;

    private static readonly TimeSpan s_discardTimeout = TimeSpan.FromSeconds(10);

    private readonly RequestDelegate _next;
    private readonly GatewayOptions _options;

    public RequestBodyMiddleware(RequestDelegate next, GatewayOptions options)
    {
        _next = next;
        _options = options;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<IGatewayRequestFeature>();
        if (feature?.Operation.Operation is not { } operation)
        {
            await _next(context);
            return;
        }

        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            await ErrorResponseWriter.WriteAsync(context, GatewayError.UnsupportedMediaType,
                $"Send the request body as application/json (got '{request.ContentType ?? "no content type"}').");
            return;
        }

        // The gate enforces the cap itself (with a JSON answer) instead of Kestrel's connection-level exception.
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        var limit = _options.MaxRequestBytes;
        if (request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }

        var body = await ReadBodyAsync(request, limit, context.RequestAborted);
        if (body is null)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }

        var facts = new RequestFacts();
        var error = RequestPeeker.Peek(body.Value.Span, operation, facts);
        if (error is not null)
        {
            await ErrorResponseWriter.WriteAsync(context, error.Error, error.Message, error.Param);
            return;
        }

        feature.Body = body.Value;
        feature.Facts = facts;
        await _next(context);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || (contentType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && contentType.Contains("+json", StringComparison.OrdinalIgnoreCase)));

    private static async Task WriteTooLargeAsync(HttpContext context, long limit)
    {
        // Most clients read the answer only after they finished sending. Closing the connection mid-upload makes them
        // fail with a broken pipe instead of seeing the 413, so the rest of the body is read and discarded first —
        // bounded in bytes and time; past the bound the connection is closed after the answer.
        if (!await DiscardBodyAsync(context.Request, Math.Max(limit, DiscardLimitBytes), context.RequestAborted))
        {
            context.Response.Headers.Connection = "close";
        }

        await ErrorResponseWriter.WriteAsync(context, GatewayError.PayloadTooLarge,
            $"The request body exceeds the limit of {limit} bytes.");
    }

    private static async Task<bool> DiscardBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_discardTimeout);
        var reader = request.BodyReader;
        long discarded = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(timeout.Token);
                discarded += result.Buffer.Length;
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return true;
                }

                if (discarded > maxBytes)
                {
                    return false;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return false;
        }
    }

    // Reads the whole body into one array (the body is forwarded as these bytes). Null when over the limit.
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
