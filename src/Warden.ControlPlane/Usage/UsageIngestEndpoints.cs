using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.ControlPlane.Internal;
using Warden.Core.Usage;

namespace Warden.ControlPlane.Usage;

/// <summary>
/// <c>POST /internal/usage</c>: gateways deliver usage batches here, authenticated with the ingest token
/// (<c>ControlPlane:IngestToken</c>, its own secret, compared in constant time; without one every call is refused).
/// </summary>
public static class UsageIngestEndpoints
{
    /// <summary>Maps the ingest endpoint.</summary>
    public static IEndpointRouteBuilder MapUsageIngest(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/internal/usage", PostUsageAsync);
        return endpoints;
    }

    /// <summary>
    /// 200 <c>{"accepted":N,"inserted":M}</c> once the rows are committed; 400 <c>invalid_batch</c> naming the problem;
    /// 401 without the ingest token; 413 <c>payload_too_large</c>; 415 for a non-JSON body; 503 <c>ledger_unavailable</c>
    /// when the database cannot be written (the gateway keeps the events and retries).
    /// </summary>
    private static async Task PostUsageAsync(HttpContext context, UsageIngestService ingest, ControlPlaneOptions options)
    {
        var request = context.Request;
        if (!BearerToken.Matches(request, options.IngestToken))
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "A valid ingest token is required.");
            return;
        }

        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, "invalid_batch", "The batch must be application/json.");
            return;
        }

        if (request.ContentLength > UsageIngestService.MaxBatchBytes)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The batch is larger than {UsageIngestService.MaxBatchBytes} bytes.");
            return;
        }

        var body = new ArrayBufferWriter<byte>(request.ContentLength is { } length and > 0 ? (int)length : 64 * 1024);
        var reader = request.BodyReader;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var segment in read.Buffer)
            {
                body.Write(segment.Span);
            }

            reader.AdvanceTo(read.Buffer.End);
            if (body.WrittenCount > UsageIngestService.MaxBatchBytes)
            {
                await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The batch is larger than {UsageIngestService.MaxBatchBytes} bytes.");
                return;
            }

            if (read.IsCompleted)
            {
                break;
            }
        }

        var result = await ingest.IngestAsync(body.WrittenMemory, context.RequestAborted);
        switch (result.Status)
        {
            case UsageIngestStatus.Stored:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(context.Response.Body, new UsageIngestReply(result.Accepted, result.Inserted), UsageJsonContext.Default.UsageIngestReply, context.RequestAborted);
                break;
            case UsageIngestStatus.TooLarge:
                await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", result.Problem!);
                break;
            case UsageIngestStatus.Invalid:
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_batch", result.Problem!);
                break;
            default:
                context.Response.Headers.RetryAfter = "1";
                await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "ledger_unavailable", result.Problem ?? "The usage ledger is unavailable.");
                break;
        }
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new UsageIngestError(new UsageIngestErrorDetail(code, message)), UsageJsonContext.Default.UsageIngestError, context.RequestAborted);
    }
}
