using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Warden.Tests.Admin;
using Warden.Tests.Reconcile;
using Xunit.Abstractions;

namespace Warden.Tests.Usage;

/// <summary>Runs alone: it measures the process's live managed heap, which other tests running in parallel would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeExportCollection
{
    public const string Name = "Large usage export";
}

/// <summary>
/// 100,000 ledger rows exported as CSV and JSON while the client reads the response incrementally: every row
/// arrives with the exact total, and the control plane's live heap stays far below the size of the export (the rows
/// are streamed, never collected). Throughput and the heap figures are reported, not asserted.
/// </summary>
[Collection(LargeExportCollection.Name)]
public sealed class LargeExportTests : IClassFixture<AdminApiServer>
{
    private const int Rows = 100_000;

    // The live heap may grow by this much during an export; a buffered export would hold the whole body (tens of MB).
    private const long MaxLiveHeapGrowthBytes = 8L * 1024 * 1024;
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };
    private static readonly DateTimeOffset s_start = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly AdminApiServer _server;
    private readonly ITestOutputHelper _output;

    public LargeExportTests(AdminApiServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
    }

    [Fact]
    public async Task Export_100kRows_StreamsCsvAndJson_ExactTotals_BoundedServerMemory()
    {
        var s = await LedgerSeed.CreateAsync(_server, "exp-large", "p1");
        var expectedTotal = await CopyRowsAsync(s);
        using var admin = _server.Client(s.OrgAdminToken);
        admin.Timeout = TimeSpan.FromMinutes(5);
        var figures = new Dictionary<string, object>();

        foreach (var format in new[] { "csv", "json" })
        {
            // First while the live heap is sampled (the baseline before the first export of the format, so memory a
            // buffering export left in pools would count), then again undisturbed for the throughput figure.
            var baseline = LiveHeap();
            using var sampler = new HeapSampler();
            var sampled = await ExportAsync(admin, format);
            var peak = await sampler.StopAsync();
            Assert.Equal((Rows, expectedTotal), (sampled.Count, sampled.Total));

            var (count, total, bytes, elapsed) = await ExportAsync(admin, format);
            Assert.Equal(Rows, count);
            Assert.Equal(expectedTotal, total);

            var growth = Math.Max(0, peak - baseline);
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{format}: {count} rows, {bytes / 1048576.0:F1} MiB in {elapsed.TotalMilliseconds:F0} ms ({count / elapsed.TotalSeconds:F0} rows/s, {bytes / 1048576.0 / elapsed.TotalSeconds:F1} MiB/s); while sampling: live heap baseline {baseline / 1048576.0:F1} MiB, peak growth {growth / 1048576.0:F1} MiB over {sampler.Samples} full-GC samples"));
            Assert.True(bytes > 2 * MaxLiveHeapGrowthBytes, $"the export ({bytes} bytes) must be much larger than the heap bound for the check to mean anything");
            Assert.True(growth < MaxLiveHeapGrowthBytes, $"live heap grew by {growth} bytes during a {bytes}-byte export");
            figures[format] = new Dictionary<string, double>
            {
                ["rows"] = count,
                ["bytes"] = bytes,
                ["elapsedMs"] = Math.Round(elapsed.TotalMilliseconds, 1),
                ["rowsPerSecond"] = Math.Round(count / elapsed.TotalSeconds),
                ["liveHeapBaselineBytes"] = baseline,
                ["liveHeapPeakGrowthBytes"] = growth,
                ["heapSamples"] = sampler.Samples,
            };
        }

        var path = Percentiles.WriteResult("usage-export.json", JsonSerializer.Serialize(figures, s_indented));
        _output.WriteLine("Figures written to " + path);
    }

    /// <summary>One export of May 2026, read incrementally; the rows, their total, the body size and the wall time.</summary>
    private static async Task<(int Count, decimal Total, long Bytes, TimeSpan Elapsed)> ExportAsync(HttpClient admin, string format)
    {
        var watch = Stopwatch.StartNew();
        using var response = await admin.GetAsync($"/api/orgs/exp-large/usage/export?from=2026-05-01&to=2026-06-01&format={format}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength); // chunked: the length was not known up front
        await using var body = await response.Content.ReadAsStreamAsync();
        var counting = new CountingStream(body);
        var (count, total) = format == "csv" ? await ReadCsvAsync(counting) : await ReadJsonAsync(counting);
        return (count, total, counting.Bytes, watch.Elapsed);
    }

    /// <summary>Bulk-loads the rows with binary COPY (as the ingest would) and returns their exact total cost.</summary>
    private async Task<decimal> CopyRowsAsync(LedgerSeed s)
    {
        var total = 0m;
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY usage_records (event_id, occurred_at, organization_id, project_id, consumer_id, api_key_id, logical_model, provider_name, upstream_model, " +
            "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cache_hit, status, latency_ms, request_id) FROM STDIN (FORMAT BINARY)"))
        {
            var consumer = s.Consumers["p1/svc"];
            for (var i = 0; i < Rows; i++)
            {
                var cost = ((i % 1000) * 0.000001001m) + 0.000000001m;
                total += cost;
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(s_start.AddSeconds(i * 20), NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(s.OrganizationId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(s.Projects["p1"], NpgsqlDbType.Uuid);
                await copy.WriteAsync(consumer, NpgsqlDbType.Uuid);
                await copy.WriteNullAsync();
                await copy.WriteAsync(i % 2 == 0 ? "gpt-4o-mini" : "claude, sonnet", NpgsqlDbType.Varchar);
                await copy.WriteAsync("mock", NpgsqlDbType.Varchar);
                await copy.WriteAsync("gpt-4o-mini-2024-07-18", NpgsqlDbType.Varchar);
                await copy.WriteAsync((long)(1000 + i), NpgsqlDbType.Bigint);
                await copy.WriteAsync((long)(i % 500), NpgsqlDbType.Bigint);
                await copy.WriteAsync((long)(i % 100), NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(cost, NpgsqlDbType.Numeric);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                await copy.WriteAsync("ok", NpgsqlDbType.Varchar);
                await copy.WriteAsync(i % 3000, NpgsqlDbType.Integer);
                await copy.WriteAsync("req-" + i.ToString(CultureInfo.InvariantCulture), NpgsqlDbType.Varchar);
            }

            await copy.CompleteAsync();
        }

        return total;
    }

    private static async Task<(int Count, decimal Total)> ReadCsvAsync(Stream body)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        var header = (await reader.ReadLineAsync())!.Split(',');
        var costColumn = Array.IndexOf(header, "cost_usd");
        var count = 0;
        var total = 0m;
        var previous = "";
        while (await reader.ReadLineAsync() is { } line)
        {
            // "claude, sonnet" is quoted; split on the quotes first so its comma does not shift the columns.
            var fields = SplitCsvLine(line);
            Assert.Equal(header.Length, fields.Count);
            Assert.True(string.CompareOrdinal(previous, fields[1]) <= 0, "rows are ordered by occurred_at");
            previous = fields[1];
            total += decimal.Parse(fields[costColumn], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            count++;
        }

        return (count, total);
    }

    private static async Task<(int Count, decimal Total)> ReadJsonAsync(Stream body)
    {
        // Utf8JsonReader over a sliding buffer: the document is never held whole.
        var buffer = new byte[64 * 1024];
        var filled = 0;
        var state = new JsonReaderState();
        var count = 0;
        var total = 0m;
        var final = false;
        while (!final)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled));
            final = read == 0;
            filled += read;
            var consumed = Parse(buffer.AsSpan(0, filled), final, ref state, ref count, ref total);
            Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
            filled -= consumed;
        }

        return (count, total);

        static int Parse(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ref int count, ref decimal total)
        {
            var reader = new Utf8JsonReader(data, final, state);
            while (true)
            {
                // A copy to rewind to when the buffer ends between a property name and its value.
                var beforeToken = reader;
                if (!reader.Read())
                {
                    break;
                }

                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("cost_usd"u8))
                {
                    if (!reader.Read())
                    {
                        reader = beforeToken;
                        break;
                    }

                    total += reader.GetDecimal();
                    count++;
                }
            }

            state = reader.CurrentState;
            return (int)reader.BytesConsumed;
        }
    }

    private static List<string> SplitCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    private static long LiveHeap() => GC.GetTotalMemory(forceFullCollection: true);

    /// <summary>Samples the live managed heap (after a full collection) every 50 ms until stopped; returns the peak.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<long> _loop;

        public HeapSampler()
        {
            _loop = Task.Run(async () =>
            {
                long peak = 0;
                while (!_stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, LiveHeap());
                    Samples++;
                    try
                    {
                        await Task.Delay(50, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                return peak;
            });
        }

        public int Samples { get; private set; }

        public async Task<long> StopAsync()
        {
            await _stop.CancelAsync();
            return await _loop;
        }

        public void Dispose() => _stop.Dispose();
    }

    /// <summary>Counts the bytes read through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Bytes { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Bytes += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
