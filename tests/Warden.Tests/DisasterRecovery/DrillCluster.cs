using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using Warden.Core.Budgets;
using Warden.MockProvider;
using Warden.Storage;
using Warden.Testing;
using Warden.Tests.Reconcile;

namespace Warden.Tests.DisasterRecovery;

/// <summary>
/// What a disaster-recovery drill runs: the mock upstream, a private Redis, one <c>warden control-plane</c> (restartable
/// on the same URL, on another database) and two <c>warden gateway</c> processes sharing the Redis counters and shipping
/// usage to the control plane's ledger; plus the world the drills configure through the admin API. The logical model
/// <c>hammer</c> answers 10 completion tokens priced at $100 per million: every request costs exactly $0.001 and, with
/// <c>max_tokens</c> 20, reserves $0.002.
/// </summary>
internal sealed partial class DrillCluster : IAsyncDisposable
{
    public const string InternalToken = "dr-drill-internal-token-0123456789abcdef";
    public const string IngestToken = "dr-drill-ingest-token-0123456789abcdefghijk";
    public const decimal CostUsd = 0.001m;
    private const string Body = """{"model":"hammer","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""";

    private readonly List<WardenProcess> _processes = [];
    private readonly string _spoolRoot = Path.Combine(Path.GetTempPath(), "warden-dr-" + Guid.NewGuid().ToString("N")[..10]);
    private WebApplication? _mock;

    private DrillCluster()
    {
    }

    public Uri MockUrl { get; } = FreePort.NextUrl();

    public Uri ControlPlaneUrl { get; } = FreePort.NextUrl();

    public string Prefix { get; } = "dr" + Guid.NewGuid().ToString("N")[..8] + ":";

    public PrivateRedis Redis { get; private set; } = null!;

    public WardenProcess ControlPlane { get; private set; } = null!;

    public List<(Uri Url, WardenProcess Process)> Gateways { get; } = [];

    public AdminClient Admin { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string ConnectionString { get; private set; } = "";

    public static async Task<DrillCluster> StartAsync(string connectionString)
    {
        var cluster = new DrillCluster();
        cluster._mock = MockProviderServer.Build(new MockProviderOptions { Url = cluster.MockUrl });
        await cluster._mock.StartAsync();
        cluster.Redis = await PrivateRedis.StartAsync();
        await cluster.StartControlPlaneAsync(connectionString);
        cluster.Admin = new AdminClient(cluster.ControlPlaneUrl);
        return cluster;
    }

    /// <summary>Starts a control plane on <see cref="ControlPlaneUrl"/> over <paramref name="connectionString"/> and waits until it is ready.</summary>
    public async Task StartControlPlaneAsync(string connectionString)
    {
        ConnectionString = connectionString;
        ControlPlane = Start(["control-plane", "--url", ControlPlaneUrl.ToString(), "--connection-string", connectionString], new()
        {
            ["WARDEN__ControlPlane__InternalToken"] = InternalToken,
            ["WARDEN__ControlPlane__IngestToken"] = IngestToken,
            ["WARDEN__ControlPlane__BootstrapAdminToken"] = AdminClient.Token,
        });
        await ControlPlane.WaitForHttpOkAsync(new Uri(ControlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(90));
    }

    /// <summary>Starts two gateways on the shared Redis and waits until both are ready.</summary>
    public async Task StartGatewaysAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            var url = FreePort.NextUrl();
            var process = Start(["gateway", "--url", url.ToString(), "--control-plane-url", ControlPlaneUrl.ToString()], new()
            {
                ["WARDEN__Gateway__InternalToken"] = InternalToken,
                ["WARDEN__Gateway__IngestToken"] = IngestToken,
                ["WARDEN__Gateway__SpoolDir"] = Path.Combine(_spoolRoot, "g" + i),
                ["WARDEN__Gateway__Counters__Store"] = "redis",
                ["WARDEN__Gateway__Counters__Redis"] = Redis.Endpoint,
                ["WARDEN__Gateway__Counters__KeyPrefix"] = Prefix,
                ["WARDEN__Gateway__UsageBatchDelayMs"] = "20",
            });
            Gateways.Add((url, process));
        }

        foreach (var (url, process) in Gateways)
        {
            await process.WaitForHttpOkAsync(new Uri(url, "/readyz"));
        }
    }

    /// <summary>A chat request through a gateway: status and error code.</summary>
    public async Task<(HttpStatusCode Status, string? Code)> ChatAsync(Uri gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/v1/chat/completions"))
        {
            Content = new StringContent(Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        string? code = null;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            using var error = JsonDocument.Parse(text);
            code = error.RootElement.GetProperty("error").GetProperty("code").GetString();
        }

        return (response.StatusCode, code);
    }

    /// <summary><c>n</c> chat requests with <paramref name="key"/>, alternating between the gateways; all must answer 200.</summary>
    public async Task UseAsync(string key, int n)
    {
        for (var i = 0; i < n; i++)
        {
            var (status, code) = await ChatAsync(Gateways[i % 2].Url, key);
            Assert.True(status == HttpStatusCode.OK, $"request {i} answered {(int)status} {code}");
        }
    }

    /// <summary><c>GET /v1/models</c> with the key: authentication only, no usage, no counters.</summary>
    public async Task<HttpStatusCode> ModelsAsync(Uri gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, "/v1/models"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// Polls both gateways (every 10 ms) until each answers every key as expected; returns, per gateway, the time from
    /// <paramref name="from"/> (a <see cref="Stopwatch"/> timestamp) until it did. Fails after <paramref name="timeout"/>.
    /// </summary>
    public async Task<double[]> WaitForConvergenceAsync(IReadOnlyList<(string Key, HttpStatusCode Expected)> expectations, long from, TimeSpan timeout)
    {
        var converged = new double[Gateways.Count];
        var pending = Enumerable.Range(0, Gateways.Count).ToHashSet();
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var last = new Dictionary<int, string>();
        while (pending.Count > 0)
        {
            foreach (var index in pending.ToList())
            {
                var answers = new List<HttpStatusCode>();
                foreach (var (key, _) in expectations)
                {
                    answers.Add(await ModelsAsync(Gateways[index].Url, key));
                }

                last[index] = string.Join(",", answers.Select(a => (int)a));
                if (answers.Zip(expectations).All(p => p.First == p.Second.Expected))
                {
                    converged[index] = Stopwatch.GetElapsedTime(from).TotalMilliseconds;
                    pending.Remove(index);
                }
            }

            if (pending.Count > 0)
            {
                Assert.True(Stopwatch.GetTimestamp() < deadline,
                    $"gateways {string.Join(",", pending)} did not converge within {timeout.TotalSeconds} s; last answers: {string.Join("; ", last.Select(l => l.Key + ": " + l.Value))}\n"
                    + $"control plane:\n{Tail(ControlPlane.Output)}\ngateway 0:\n{Tail(Gateways[0].Process.Output)}");
                await Task.Delay(10);
            }
        }

        return converged;
    }

    /// <summary>Waits until the ledger holds exactly <paramref name="expected"/> rows (gateways ship in batches).</summary>
    public async Task WaitForLedgerRowsAsync(int expected)
    {
        var contexts = new WardenDbContextFactory(StorageOptions.ForPostgres(ConnectionString));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int rows;
        while (true)
        {
            await using (var db = contexts.CreateDbContext())
            {
                rows = await db.UsageRecords.CountAsync();
            }

            if (rows >= expected || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(expected, rows);
    }

    /// <summary>Month-to-date cost per consumer (qualified name) and request count from the admin usage API.</summary>
    public async Task<(long Requests, Dictionary<string, decimal> ByConsumer)> UsageAsync(string org)
    {
        using var usage = await Admin.GetAsync($"/api/orgs/{org}/usage");
        var total = usage.RootElement.GetProperty("total").GetProperty("requests").GetInt64();
        var byConsumer = usage.RootElement.GetProperty("byConsumer").EnumerateArray()
            .ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("costUsd").GetDecimal());
        return (total, byConsumer);
    }

    /// <summary>The budget counters of <paramref name="consumerId"/> this month in Redis, by epoch: (settled, reserved) in nano-USD.</summary>
    public async Task<Dictionary<string, (long Settled, long Reserved)>> BudgetCountersAsync(Guid consumerId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.Endpoint + ",allowAdmin=true");
        var suffix = ":b:consumer:" + consumerId.ToString("N") + ":" + BudgetPeriods.MonthKey(DateTimeOffset.UtcNow);
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (var key in redis.GetServer(Redis.Endpoint).Keys(pattern: Prefix + "*" + suffix))
        {
            var text = key.ToString();
            var epoch = text[Prefix.Length..^suffix.Length];
            var values = await redis.GetDatabase().HashGetAsync(key, ["s", "r"]);
            result[epoch] = (values[0].IsNull ? 0 : (long)values[0], values[1].IsNull ? 0 : (long)values[1]);
        }

        return result;
    }

    /// <summary>The epoch a gateway switched to, from its log line (event 3200), once it appears.</summary>
    public static async Task<(string From, string To)> WaitForEpochChangeAsync(WardenProcess gateway)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var match = EpochChanged().Match(gateway.Output);
            if (match.Success)
            {
                return (match.Groups["from"].Value, match.Groups["to"].Value);
            }

            Assert.True(DateTime.UtcNow < deadline, "no counter-epoch change in the gateway's log:\n" + Tail(gateway.Output));
            await Task.Delay(50);
        }
    }

    /// <summary>Runs <c>warden audit verify</c> against the database; exit code and output.</summary>
    public Task<(int ExitCode, string Output)> VerifyAuditAsync() =>
        WardenProcess.RunAsync(["audit", "verify", "--connection-string", ConnectionString], timeout: TimeSpan.FromSeconds(90));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        Admin?.Dispose();
        Http.Dispose();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (_mock is not null)
        {
            await _mock.DisposeAsync();
        }

        try
        {
            Directory.Delete(_spoolRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static string Tail(string output) => output.Length > 6000 ? output[^6000..] : output;

    private WardenProcess Start(string[] arguments, Dictionary<string, string?> environment)
    {
        var process = WardenProcess.Start(arguments, environment);
        _processes.Add(process);
        return process;
    }

    // The JSON console log escapes the quotes as \u0027; the simple format does not.
    [GeneratedRegex(@"Counter epoch changed from (?:'|\\u0027)(?<from>[0-9a-f]*)(?:'|\\u0027) to (?:'|\\u0027)(?<to>[0-9a-f]*)(?:'|\\u0027)")]
    private static partial Regex EpochChanged();
}
