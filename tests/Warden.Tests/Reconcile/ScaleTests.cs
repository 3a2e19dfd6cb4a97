using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Warden.Core.Keys;
using Warden.Storage;
using Warden.Testing;
using Xunit.Abstractions;

namespace Warden.Tests.Reconcile;

/// <summary>
/// 100,000 keys in PostgreSQL, one control plane and two gateways: the full build, the gateways' first apply and
/// memory are measured and reported, and revoking one key reaches both gateways as a small delta, not a new key set.
/// </summary>
public sealed class ScaleTests : IClassFixture<PostgresDatabase>
{
    private const string InternalToken = "scale-test-internal-token-0123456789abcdefgh";
    private const int Consumers = 1_000;
    private const int KeysPerConsumer = 100;
    private const int Revocations = 10;
    private readonly PostgresDatabase _database;
    private readonly ITestOutputHelper _output;

    public ScaleTests(PostgresDatabase database, ITestOutputHelper output)
    {
        _database = database;
        _output = output;
    }

    [Fact]
    public async Task HundredThousandKeys_BuildApplyAndRevokeOne_WithinTheFunctionalBounds()
    {
        var storage = StorageOptions.ForPostgres(_database.ConnectionString);
        await new WardenDatabase(new WardenDbContextFactory(storage)).MigrateAsync();
        var writer = new ConfigWriter(storage);
        await writer.SeedAsync(new Uri("http://127.0.0.1:9/v1"));
        var insert = Stopwatch.StartNew();
        var sample = await BulkInsertAsync(writer.ProjectId);
        _output.WriteLine($"Bulk insert of {Consumers * KeysPerConsumer} keys (COPY): {insert.Elapsed.TotalSeconds:F1} s");

        var controlPlaneUrl = FreePort.NextUrl();
        await using var controlPlane = WardenProcess.Start(
            ["control-plane", "--url", controlPlaneUrl.ToString(), "--connection-string", _database.ConnectionString],
            new Dictionary<string, string?> { ["WARDEN__ControlPlane__InternalToken"] = InternalToken });
        await controlPlane.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(180));
        var build = await ProcessFigures.WaitForLogAsync(controlPlane, "Reconcile (Full, start)", ProcessFigures.FullBuild(), TimeSpan.FromSeconds(10));
        var totalKeys = Consumers * KeysPerConsumer + 0;
        Assert.Equal(totalKeys, (int)ProcessFigures.Number(build, "keys"));

        var gatewayUrls = new[] { FreePort.NextUrl(), FreePort.NextUrl() };
        var gateways = gatewayUrls.Select(url => WardenProcess.Start(
            ["gateway", "--url", url.ToString(), "--control-plane-url", controlPlaneUrl.ToString()],
            new Dictionary<string, string?> { ["WARDEN__Gateway__InternalToken"] = InternalToken })).ToArray();
        try
        {
            var ready = Stopwatch.StartNew();
            foreach (var (gateway, url) in gateways.Zip(gatewayUrls))
            {
                await gateway.WaitForHttpOkAsync(new Uri(url, "/readyz"), TimeSpan.FromSeconds(180));
            }

            var readyTime = ready.Elapsed;
            var applied = new List<(double Receive, double Apply)>();
            foreach (var gateway in gateways)
            {
                var line = await ProcessFigures.WaitForLogAsync(gateway, "key base", ProcessFigures.GatewayApplied(), TimeSpan.FromSeconds(10));
                Assert.Equal(totalKeys, (int)ProcessFigures.Number(line, "keys"));
                applied.Add((ProcessFigures.Number(line, "receive"), ProcessFigures.Number(line, "apply")));
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var url in gatewayUrls)
            {
                Assert.Equal(HttpStatusCode.OK, await ModelsStatusAsync(http, url, sample[0]));
                Assert.Equal(HttpStatusCode.OK, await ModelsStatusAsync(http, url, sample[^1]));
            }

            // Settle, then take resident memory after the apply.
            await Task.Delay(2000);
            var gatewayRss = gateways.Select(ProcessFigures.RssMiB).ToArray();
            var controlPlaneRss = ProcessFigures.RssMiB(controlPlane);

            var revocations = new List<double>();
            for (var i = 0; i < Revocations; i++)
            {
                await writer.RevokeAsync(sample[i]);
                var committed = writer.LastCommitTimestamp;
                revocations.AddRange(await Task.WhenAll(gatewayUrls.Select(async url =>
                {
                    while (await ModelsStatusAsync(http, url, sample[i]) != HttpStatusCode.Unauthorized)
                    {
                        Assert.True(Stopwatch.GetElapsedTime(committed) < TimeSpan.FromSeconds(20), "revocation never arrived");
                        await Task.Delay(5);
                    }

                    return Stopwatch.GetElapsedTime(committed).TotalMilliseconds;
                })));
            }

            // The revocations travelled as deltas: the gateways still hold the first base, now with a small overlay.
            foreach (var gateway in gateways)
            {
                var last = await ProcessFigures.WaitForLogAsync(gateway, "key delta", ProcessFigures.GatewayApplied(), TimeSpan.FromSeconds(5));
                Assert.InRange(ProcessFigures.Number(last, "overlay"), 1, 100);
            }

            _output.WriteLine($"Control plane full build ({totalKeys} keys, read + serialize + content id): {ProcessFigures.Number(build, "ms"):F0} ms; control plane RSS {controlPlaneRss:F0} MiB");
            _output.WriteLine($"Gateways ready {readyTime.TotalSeconds:F1} s after start; first apply: " + string.Join("; ", applied.Select(a => $"received+parsed {a.Receive:F0} ms, applied {a.Apply:F0} ms")));
            _output.WriteLine($"Gateway RSS after apply: {string.Join(", ", gatewayRss.Select(r => r.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} MiB");
            _output.WriteLine($"Revoking one key of {totalKeys} reaches a gateway: {Percentiles.Describe(revocations)}");
            var path = Percentiles.WriteResult("scale.json", JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["keys"] = totalKeys,
                ["consumers"] = Consumers,
                ["controlPlaneFullBuildMs"] = ProcessFigures.Number(build, "ms"),
                ["controlPlaneRssMiB"] = controlPlaneRss,
                ["gatewayReceiveMs"] = applied.Select(a => a.Receive).ToArray(),
                ["gatewayApplyMs"] = applied.Select(a => a.Apply).ToArray(),
                ["gatewayRssMiB"] = gatewayRss,
                ["revocations"] = Revocations,
                ["revokeP50Ms"] = Percentiles.Of(revocations, 50),
                ["revokeMaxMs"] = revocations.Max(),
            }));
            _output.WriteLine("Written to " + path);
            Assert.All(revocations, ms => Assert.True(ms < 5000, $"a revocation took {ms:F0} ms"));
        }
        finally
        {
            foreach (var gateway in gateways)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    private static async Task<HttpStatusCode> ModelsStatusAsync(HttpClient http, Uri gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, "/v1/models"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>COPYs the consumers and keys in; returns a few key texts (first and last consumer) for the checks.</summary>
    private async Task<List<string>> BulkInsertAsync(Guid projectId)
    {
        var sample = new List<string>();
        var now = DateTimeOffset.UtcNow;
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        var consumerIds = Enumerable.Range(0, Consumers).Select(_ => Guid.CreateVersion7()).ToArray();
        await using (var importer = await connection.BeginBinaryImportAsync("COPY consumers (id, project_id, name, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Consumers; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(consumerIds[i], NpgsqlDbType.Uuid);
                await importer.WriteAsync(projectId, NpgsqlDbType.Uuid);
                await importer.WriteAsync($"user-{i:D5}", NpgsqlDbType.Varchar);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }

            await importer.CompleteAsync();
        }

        await using (var importer = await connection.BeginBinaryImportAsync("COPY api_keys (id, consumer_id, public_id, secret_hash, prefix, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Consumers * KeysPerConsumer; i++)
            {
                var key = ApiKeyFormat.Generate();
                if (i < Revocations + 1 || i == Consumers * KeysPerConsumer - 1)
                {
                    sample.Add(key.Key);
                }

                await importer.StartRowAsync();
                await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await importer.WriteAsync(consumerIds[i / KeysPerConsumer], NpgsqlDbType.Uuid);
                await importer.WriteAsync(key.PublicId, NpgsqlDbType.Varchar);
                await importer.WriteAsync(key.SecretHash, NpgsqlDbType.Bytea);
                await importer.WriteAsync(ApiKeyFormat.DisplayPrefix(key.PublicId), NpgsqlDbType.Varchar);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }

            await importer.CompleteAsync();
        }

        return sample;
    }
}
