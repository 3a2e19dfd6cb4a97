using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Warden.Gateway.Counters;
using Warden.Testing;
using Warden.Tests.Reconcile;
using Xunit.Abstractions;

namespace Warden.Tests.Budgets;

/// <summary>
/// Measures (never asserts) what the budget and limit gate adds to a request at concurrency 1: the same request
/// through the same in-process gateway, alternately for a consumer with no budget or limit (the gate's fast path) and
/// for one with a budget, a TPM, an RPM and a concurrency limit (four counters reserved and settled per request), on
/// the in-process store and on Redis. Figures go to the output and to <c>TestResults/budget-gate-latency.json</c>.
/// </summary>
public sealed class GateLatencyTests
{
    private const int Warmup = 50;
    private const int Requests = 500;
    private readonly ITestOutputHelper _output;

    public GateLatencyTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task BudgetAndLimitGate_AddedLatencyAtConcurrency1_MemoryAndRedis()
    {
        var results = new Dictionary<string, object>
        {
            ["requests"] = Requests,
            ["concurrency"] = 1,
            ["measured"] = "client-observed latency of POST /v1/chat/completions through an in-process gateway to the in-process mock upstream; gate off = consumer with no budget or limit, gate on = consumer with budget + TPM + RPM + concurrency (4 counters), alternating",
        };
        var memory = new MemoryCounterStore();
        results["memory"] = await MeasureAsync("memory", memory);
        await using var redis = new RedisCounterStore(new CounterOptions { Store = CounterStoreKind.Redis, Redis = TestEnvironment.RedisEndpoint });
        results["redis"] = await MeasureAsync("redis", redis);
        var path = Percentiles.WriteResult("budget-gate-latency.json", JsonSerializer.Serialize(results));
        _output.WriteLine("Written to " + path);
    }

    private async Task<Dictionary<string, double>> MeasureAsync(string name, ICounterStore store)
    {
        await using var gateway = await InProcessGateway.StartAsync(store);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var off = gateway.Consumers["free"].Key;
        var on = gateway.Consumers["capped"].Key;
        for (var i = 0; i < Warmup; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await MemoryStoreHammerTests.ChatAsync(http, gateway.Url, off));
            Assert.Equal(HttpStatusCode.OK, await MemoryStoreHammerTests.ChatAsync(http, gateway.Url, on));
        }

        var offMs = new List<double>(Requests);
        var onMs = new List<double>(Requests);
        for (var i = 0; i < Requests; i++)
        {
            offMs.Add(await TimeAsync(http, gateway.Url, off));
            onMs.Add(await TimeAsync(http, gateway.Url, on));
        }

        // The gate really was on: every "on" request was reserved and settled at its real cost ($0.001), nothing is held.
        var (settled, reserved) = store switch
        {
            MemoryCounterStore memory => memory.ReadRaw(gateway.BudgetKey("capped")),
            RedisCounterStore redis => await redis.ReadAsync(gateway.BudgetKey("capped")),
            _ => throw new InvalidOperationException(),
        };
        Assert.Equal(((Warmup + Requests) * 1_000_000L, 0L), (settled, reserved));

        var figures = new Dictionary<string, double>
        {
            ["offP50Ms"] = Percentiles.Of(offMs, 50),
            ["offP99Ms"] = Percentiles.Of(offMs, 99),
            ["onP50Ms"] = Percentiles.Of(onMs, 50),
            ["onP99Ms"] = Percentiles.Of(onMs, 99),
        };
        figures["addedP50Ms"] = figures["onP50Ms"] - figures["offP50Ms"];
        figures["addedP99Ms"] = figures["onP99Ms"] - figures["offP99Ms"];
        _output.WriteLine($"{name}: gate off {Percentiles.Describe(offMs)}; gate on {Percentiles.Describe(onMs)}; added p50 {figures["addedP50Ms"]:F3} ms, p99 {figures["addedP99Ms"]:F3} ms");
        return figures;

        static async Task<double> TimeAsync(HttpClient http, Uri url, string key)
        {
            var start = Stopwatch.GetTimestamp();
            var status = await MemoryStoreHammerTests.ChatAsync(http, url, key);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Assert.Equal(HttpStatusCode.OK, status);
            return elapsed;
        }
    }
}
