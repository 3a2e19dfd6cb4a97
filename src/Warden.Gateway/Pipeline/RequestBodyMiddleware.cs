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

        var limit = _options.MaxRequestBytes;
        if (request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }

        // The gate enforces the cap itself (with a JSON answer) instead of Kestrel's connection-level exception.
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = null;
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

    private static Task WriteTooLargeAsync(HttpContext context, long limit)
    {
        // Closing the connection avoids reading (and discarding) the rest of a huge body.
        context.Response.Headers.Connection = "close";
        return ErrorResponseWriter.WriteAsync(context, GatewayError.PayloadTooLarge,
            $"The request body exceeds the limit of {limit} bytes.");
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
