using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Warden.Core.Diagnostics;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// Streams ledger rows to the response as RFC 4180 CSV (header row, CRLF, invariant culture) or a JSON array, ordered
/// by (<c>occurred_at</c>, <c>event_id</c>). Rows come from the database one by one (<c>AsAsyncEnumerable</c>, no
/// tracking) and are written to the response pipe, flushed every <see cref="FlushThresholdBytes"/>: memory stays
/// bounded whatever the number of rows. A failure after the first bytes aborts the connection, so a client never
/// mistakes a truncated export for a complete one.
/// </summary>
internal sealed partial class UsageExportResult : IResult
{
    /// <summary>The CSV media type (RFC 4180 with the <c>header</c> parameter of RFC 7111).</summary>
    public const string CsvContentType = "text/csv; charset=utf-8; header=present";

    /// <summary>Bytes written before the pipe is flushed to the client.</summary>
    private const int FlushThresholdBytes = 64 * 1024;

    /// <summary>The columns, in order; also the JSON property names. Part of the API: only ever append.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "event_id", "occurred_at", "organization", "project", "consumer", "organization_id", "project_id", "consumer_id", "api_key_id",
        "logical_model", "provider", "upstream_model", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
        "cost_usd", "cache_hit", "status", "latency_ms", "request_id",
    ];

    private readonly WardenDbContext _db;
    private readonly IQueryable<UsageRecord> _records;
    private readonly ExportNames _names;
    private readonly UsageExportFormat _format;
    private readonly string _fileName;

    public UsageExportResult(WardenDbContext db, IQueryable<UsageRecord> records, ExportNames names, UsageExportFormat format, string fileName)
    {
        _db = db;
        _records = records;
        _names = names;
        _format = format;
        _fileName = fileName;
    }

    /// <summary>An instant as exported: UTC, microseconds (what both databases store), e.g. <c>2026-11-01T00:00:00.000000Z</c>.</summary>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>USD as exported: the exact stored value (at most 9 decimals), without trailing zeros, '.' as separator.</summary>
    public static string FormatUsd(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var logger = httpContext.RequestServices.GetRequiredService<ILogger<UsageExportResult>>();
        var response = httpContext.Response;
        var ct = httpContext.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = _format == UsageExportFormat.Csv ? CsvContentType : "application/json; charset=utf-8";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = _fileName }.ToString();
        response.Headers.CacheControl = "no-store";

        var started = Stopwatch.GetTimestamp();
        var rows = _records.OrderBy(r => r.OccurredAt).ThenBy(r => r.EventId).AsAsyncEnumerable();
        long count;
        try
        {
            count = _format == UsageExportFormat.Csv
                ? await WriteCsvAsync(rows, response.BodyWriter, ct)
                : await WriteJsonAsync(rows, response.BodyWriter, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: nothing to answer, nothing lost (the ledger is only read).
            return;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException)
        {
            LogFailed(logger, ex, _fileName);
            if (!response.HasStarted)
            {
                throw;
            }

            httpContext.Abort();
            return;
        }

        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogCompleted(logger, _fileName, count, elapsedMs);
    }

    private async Task<long> WriteCsvAsync(IAsyncEnumerable<UsageRecord> rows, PipeWriter pipe, CancellationToken ct)
    {
        var line = new StringBuilder(512);
        for (var i = 0; i < Columns.Count; i++)
        {
            line.Append(i == 0 ? "" : ",").Append(Columns[i]);
        }

        line.Append("\r\n");
        long pending = Encode(line, pipe);
        long count = 0;
        await foreach (var r in rows.WithCancellation(ct))
        {
            line.Clear();
            line.Append(r.EventId.ToString("D")).Append(',')
                .Append(FormatInstant(r.OccurredAt)).Append(',');
            Field(line, _names.Organizations.GetValueOrDefault(r.OrganizationId)).Append(',');
            Field(line, _names.Projects.GetValueOrDefault(r.ProjectId)).Append(',');
            Field(line, _names.Consumers.GetValueOrDefault(r.ConsumerId)).Append(',');
            line.Append(r.OrganizationId.ToString("D")).Append(',')
                .Append(r.ProjectId.ToString("D")).Append(',')
                .Append(r.ConsumerId.ToString("D")).Append(',')
                .Append(r.ApiKeyId?.ToString("D")).Append(',');
            Field(line, r.LogicalModel).Append(',');
            Field(line, r.ProviderName).Append(',');
            Field(line, r.UpstreamModel).Append(',');
            line.Append(r.InputTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.OutputTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.CacheReadTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.CacheWriteTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(FormatUsd(r.CostUsd)).Append(',')
                .Append(r.CacheHit ? "true" : "false").Append(',');
            Field(line, r.Status).Append(',');
            line.Append(r.LatencyMs.ToString(CultureInfo.InvariantCulture)).Append(',');
            Field(line, r.RequestId).Append("\r\n");
            pending += Encode(line, pipe);
            count++;
            if (pending >= FlushThresholdBytes)
            {
                pending = 0;
                if ((await pipe.FlushAsync(ct)).IsCompleted)
                {
                    return count;
                }
            }
        }

        await pipe.FlushAsync(ct);
        return count;
    }

    private async Task<long> WriteJsonAsync(IAsyncEnumerable<UsageRecord> rows, PipeWriter pipe, CancellationToken ct)
    {
        long count = 0;
        long flushed = 0;
        await using var json = new Utf8JsonWriter(pipe);
        json.WriteStartArray();
        await foreach (var r in rows.WithCancellation(ct))
        {
            json.WriteStartObject();
            json.WriteString("event_id", r.EventId);
            json.WriteString("occurred_at", FormatInstant(r.OccurredAt));
            json.WriteString("organization", _names.Organizations.GetValueOrDefault(r.OrganizationId));
            json.WriteString("project", _names.Projects.GetValueOrDefault(r.ProjectId));
            json.WriteString("consumer", _names.Consumers.GetValueOrDefault(r.ConsumerId));
            json.WriteString("organization_id", r.OrganizationId);
            json.WriteString("project_id", r.ProjectId);
            json.WriteString("consumer_id", r.ConsumerId);
            if (r.ApiKeyId is { } keyId)
            {
                json.WriteString("api_key_id", keyId);
            }
            else
            {
                json.WriteNull("api_key_id");
            }

            json.WriteString("logical_model", r.LogicalModel);
            json.WriteString("provider", r.ProviderName);
            json.WriteString("upstream_model", r.UpstreamModel);
            json.WriteNumber("input_tokens", r.InputTokens);
            json.WriteNumber("output_tokens", r.OutputTokens);
            json.WriteNumber("cache_read_tokens", r.CacheReadTokens);
            json.WriteNumber("cache_write_tokens", r.CacheWriteTokens);

            // A JSON number with the exact decimal digits (no binary floating point anywhere on the way).
            json.WritePropertyName("cost_usd");
            json.WriteRawValue(FormatUsd(r.CostUsd), skipInputValidation: true);
            json.WriteBoolean("cache_hit", r.CacheHit);
            json.WriteString("status", r.Status);
            json.WriteNumber("latency_ms", r.LatencyMs);
            json.WriteString("request_id", r.RequestId);
            json.WriteEndObject();
            count++;

            // The writer hands full segments to the pipe by itself (BytesPending alone never reaches the threshold),
            // so count everything written since the last flush to the client.
            if (json.BytesCommitted + json.BytesPending - flushed >= FlushThresholdBytes)
            {
                json.Flush();
                flushed = json.BytesCommitted;
                if ((await pipe.FlushAsync(ct)).IsCompleted)
                {
                    return count;
                }
            }
        }

        json.WriteEndArray();
        json.Flush();
        await pipe.FlushAsync(ct);
        return count;
    }

    /// <summary>Appends a text field, quoted (with doubled quotes) when it holds a comma, quote, CR or LF (RFC 4180 §2).</summary>
    private static StringBuilder Field(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return line;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return line.Append(value);
        }

        return line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private static long Encode(StringBuilder line, PipeWriter pipe)
    {
        long written = 0;
        foreach (var chunk in line.GetChunks())
        {
            written += Encoding.UTF8.GetBytes(chunk.Span, pipe);
        }

        return written;
    }

    [LoggerMessage(EventId = WardenEventIds.UsageExportCompleted, Level = LogLevel.Information,
        Message = "Usage export {FileName} sent {Rows} rows in {ElapsedMs:F0} ms")]
    private static partial void LogCompleted(ILogger logger, string fileName, long rows, double elapsedMs);

    [LoggerMessage(EventId = WardenEventIds.UsageExportFailed, Level = LogLevel.Error,
        Message = "Usage export {FileName} failed; the connection is aborted if rows were already sent")]
    private static partial void LogFailed(ILogger logger, Exception exception, string fileName);
}
