using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Usage;
using Warden.Storage;
using Warden.Storage.Ledger;
using Warden.Tests.Reconcile;
using Xunit.Abstractions;

namespace Warden.Tests.Usage;

/// <summary>
/// Measures ledger ingest into PostgreSQL (and SQLite for comparison): 200,000 events in batches of 500, through
/// <c>POST /internal/usage</c> and through the bulk writer alone. Figures are printed and written to
/// <c>TestResults/ledger.json</c>; only completeness is asserted.
/// </summary>
public sealed class LedgerThroughputTests(IngestControlPlane controlPlane, ITestOutputHelper output) : IClassFixture<IngestControlPlane>
{
    private const int Events = 200_000;
    private const int BatchSize = 500;

    [Fact]
    public async Task Ingest_200kEventsInBatchesOf500_AllStored_AndRatesReported()
    {
        // Through the endpoint: pre-serialized batches, two gateways' worth of concurrent senders.
        var endpointOrg = Guid.NewGuid();
        var bodies = Chunk(LedgerEvents.Batch(endpointOrg, Events, Guid.NewGuid()))
            .Select(batch => JsonSerializer.SerializeToUtf8Bytes(new UsageBatch { Events = batch }, UsageJsonContext.Default.UsageBatch))
            .ToList();
        using var http = new HttpClient { BaseAddress = controlPlane.Url, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", IngestControlPlane.IngestToken);
        var next = -1;
        const int Senders = 2;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("/internal/usage", content);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        })));
        var endpointSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // The bulk writer alone, one batch at a time.
        var writerOrg = Guid.NewGuid();
        var writerBatches = Chunk(LedgerEvents.Batch(writerOrg, Events, Guid.NewGuid()));
        double writerSeconds;
        await using (var writer = new UsageLedgerWriter(StorageOptions.ForPostgres(controlPlane.ConnectionString)))
        {
            started = Stopwatch.GetTimestamp();
            foreach (var batch in writerBatches)
            {
                await writer.WriteAsync(batch);
            }

            writerSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        // For comparison: what a write per request costs (one INSERT per event and its group row, each committed on
        // its own), on a twentieth of the volume.
        const int NaiveEvents = Events / 20;
        var naive = LedgerEvents.Batch(Guid.NewGuid(), NaiveEvents, Guid.NewGuid());
        double naiveSeconds;
        await using (var connection = new Npgsql.NpgsqlConnection(controlPlane.ConnectionString))
        {
            await connection.OpenAsync();
            started = Stopwatch.GetTimestamp();
            foreach (var e in naive)
            {
                // One round trip, one implicit transaction: the record and its group row.
                await using var insert = new Npgsql.NpgsqlBatch(connection);
                var record = new Npgsql.NpgsqlBatchCommand(
                    "INSERT INTO usage_records (event_id, occurred_at, organization_id, project_id, consumer_id, api_key_id, logical_model, provider_name, upstream_model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cache_hit, status, latency_ms, request_id) " +
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) ON CONFLICT DO NOTHING");
                object[] values = [e.EventId, e.OccurredAt, e.OrganizationId, e.ProjectId, e.ConsumerId, e.KeyId, e.LogicalModel, e.ProviderName!, e.UpstreamModel!,
                    e.Tokens.InputTokens, e.Tokens.OutputTokens, e.Tokens.CacheReadTokens, e.Tokens.CacheWriteTokens, e.CostUsd, e.CacheHit, e.Status, (int)e.LatencyMs, e.RequestId];
                foreach (var value in values)
                {
                    record.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
                }

                var group = new Npgsql.NpgsqlBatchCommand("INSERT INTO usage_record_groups (event_id, group_id, occurred_at, cost_usd) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING");
                foreach (var value in new object[] { e.EventId, e.GroupIds[0], e.OccurredAt, e.CostUsd })
                {
                    group.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
                }

                insert.BatchCommands.Add(record);
                insert.BatchCommands.Add(group);
                await insert.ExecuteNonQueryAsync();
            }

            naiveSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        // SQLite (warden serve's database), the writer alone.
        var sqliteDir = Directory.CreateTempSubdirectory("warden-ledger-sqlite-").FullName;
        double sqliteSeconds;
        try
        {
            var sqlite = StorageOptions.ForSqliteFile(Path.Combine(sqliteDir, "warden.db"));
            await new WardenDatabase(new WardenDbContextFactory(sqlite)).MigrateAsync();
            await using var writer = new UsageLedgerWriter(sqlite);
            var sqliteBatches = Chunk(LedgerEvents.Batch(Guid.NewGuid(), Events, Guid.NewGuid()));
            started = Stopwatch.GetTimestamp();
            foreach (var batch in sqliteBatches)
            {
                await writer.WriteAsync(batch);
            }

            sqliteSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(sqliteDir, recursive: true);
        }

        await using (var context = controlPlane.Contexts.CreateDbContext())
        {
            Assert.Equal(Events, await context.UsageRecords.CountAsync(r => r.OrganizationId == endpointOrg));
            Assert.Equal(Events, await context.UsageRecords.CountAsync(r => r.OrganizationId == writerOrg));
        }

        var figures = new Dictionary<string, object>
        {
            ["events"] = Events,
            ["batchSize"] = BatchSize,
            ["groupRowsPerEvent"] = 1,
            ["postgresEndpointSenders"] = Senders,
            ["postgresEndpointSeconds"] = Math.Round(endpointSeconds, 2),
            ["postgresEndpointEventsPerSecond"] = Math.Round(Events / endpointSeconds),
            ["postgresWriterSeconds"] = Math.Round(writerSeconds, 2),
            ["postgresWriterEventsPerSecond"] = Math.Round(Events / writerSeconds),
            ["postgresPerEventInsertEvents"] = NaiveEvents,
            ["postgresPerEventInsertEventsPerSecond"] = Math.Round(NaiveEvents / naiveSeconds),
            ["loadAverage1m"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a",
            ["sqliteWriterSeconds"] = Math.Round(sqliteSeconds, 2),
            ["sqliteWriterEventsPerSecond"] = Math.Round(Events / sqliteSeconds),
        };
        foreach (var (name, value) in figures)
        {
            output.WriteLine($"{name}: {value}");
        }

        output.WriteLine("Written to " + Percentiles.WriteResult("ledger.json", JsonSerializer.Serialize(figures)));
    }

    private static List<List<UsageEvent>> Chunk(List<UsageEvent> events) => [.. events.Chunk(BatchSize).Select(c => c.ToList())];
}
