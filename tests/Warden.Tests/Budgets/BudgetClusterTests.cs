using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using StackExchange.Redis;
using Warden.Core.Budgets;
using Warden.MockProvider;
using Warden.Storage;
using Warden.Storage.Entities;
using Warden.Testing;
using Warden.Tests.Reconcile;
using Xunit.Abstractions;

namespace Warden.Tests.Budgets;

/// <summary>
/// Budgets and limits across real <c>warden gateway</c> processes sharing a private Redis, configured through the
/// admin API of a real <c>warden control-plane</c> on PostgreSQL. The upstream (the mock provider) answers every
/// request with exactly 10 completion tokens, and the logical model <c>hammer</c> is priced at $0 input and $100 per
/// million output tokens: every request costs exactly $0.001 and, with <c>max_tokens</c> 20, reserves $0.002.
/// </summary>
public sealed class BudgetClusterTests : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string InternalToken = "budget-test-internal-token-0123456789abcdef";
    private const long CostNano = 1_000_000;        // $0.001
    private const long ReservationNano = 2_000_000; // $0.002
    private const long CapNano = 50_000_000;        // $0.05
    private const string Body = """{"model":"hammer","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""";
    private readonly PostgresDatabase _database;
    private readonly ITestOutputHelper _output;
    private readonly Uri _mockUrl = FreePort.NextUrl();
    private readonly Uri _controlPlaneUrl = FreePort.NextUrl();
    private readonly string _org = "o" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _prefix = "bt" + Guid.NewGuid().ToString("N")[..8] + ":";
    private readonly List<WardenProcess> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private WebApplication? _mock;
    private PrivateRedis _redis = null!;
    private WardenProcess _controlPlane = null!;
    private AdminClient _admin = null!;

    public BudgetClusterTests(PostgresDatabase database, ITestOutputHelper output)
    {
        _database = database;
        _output = output;
    }

    public async Task InitializeAsync()
    {
        _mock = MockProviderServer.Build(new MockProviderOptions { Url = _mockUrl });
        await _mock.StartAsync();
        _redis = await PrivateRedis.StartAsync();
        _controlPlane = Start(["control-plane", "--url", _controlPlaneUrl.ToString(), "--connection-string", _database.ConnectionString], new()
        {
            ["WARDEN__ControlPlane__InternalToken"] = InternalToken,
            ["WARDEN__ControlPlane__BootstrapAdminToken"] = AdminClient.Token,
        });
        await _controlPlane.WaitForHttpOkAsync(new Uri(_controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(60));
        _admin = new AdminClient(_controlPlaneUrl);
        await _admin.CreateOrganizationAndProjectAsync(_org, "hammer");
        await _admin.CreateProviderAndRouteAsync(_org, "hammer", new Uri(_mockUrl, "/v1"));
        await _admin.CreateRouteAsync(_org, "hammer", "hammer", "hammer-upstream@tokens=10");
        await _admin.PutAsync("/api/pricing/hammer", new { inputUsdPerMillion = 0m, outputUsdPerMillion = 100m, cacheReadUsdPerMillion = 0m, cacheWriteUsdPerMillion = 0m });
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        _admin?.Dispose();
        _http.Dispose();
        await _redis.DisposeAsync();
        if (_mock is not null)
        {
            await _mock.DisposeAsync();
        }
    }

    [Fact]
    public async Task Hammer_TwoGatewaysSharingRedis_SpendStaysWithinCapPlusOneReservation_AndEveryAdmittedRequestIsSettled()
    {
        var (consumerId, key) = await CreateConsumerAsync("svc");
        await _admin.PutAsync($"/api/orgs/{_org}/projects/hammer/budgets/consumer/{consumerId}", new { monthlyUsd = 0.05m });
        var gateways = await StartGatewaysAsync(2);

        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => ChatAsync(gateways[i % 2], key)));

        var admitted = responses.Count(r => r.Status == HttpStatusCode.OK);
        var refused = responses.Where(r => r.Status != HttpStatusCode.OK).ToList();
        Assert.All(refused, r => Assert.Equal((HttpStatusCode.TooManyRequests, "budget_exceeded"), (r.Status, r.Code)));
        Assert.All(refused, r => Assert.Contains($"consumer {_org}.hammer.svc", r.Message, StringComparison.Ordinal));
        var (settled, reserved) = await WaitForSettledAsync(await BudgetKeyAsync(consumerId));
        _output.WriteLine($"admitted {admitted}, refused {refused.Count}, settled {UsdUnits.FromNano(settled)} USD, reserved {reserved}");

        Assert.InRange(admitted, 1, 299);
        Assert.Equal(0, reserved);                             // nothing outstanding
        Assert.Equal(admitted * CostNano, settled);            // every admitted request settled at its real cost
        Assert.True(settled <= CapNano + ReservationNano, $"spent {UsdUnits.FromNano(settled)} USD over a 0.05 USD cap");

        // The rest of the budget stays usable, up to the cap and not beyond: sequential requests fill it.
        for (var i = 0; i < 60; i++)
        {
            var reply = await ChatAsync(gateways[i % 2], key);
            admitted += reply.Status == HttpStatusCode.OK ? 1 : 0;
        }

        (settled, reserved) = await WaitForSettledAsync(await BudgetKeyAsync(consumerId));
        _output.WriteLine($"after sequential top-up: admitted {admitted}, settled {UsdUnits.FromNano(settled)} USD");
        Assert.Equal(admitted * CostNano, settled);
        Assert.InRange(settled, CapNano - ReservationNano, CapNano + ReservationNano);
    }

    [Fact]
    public async Task TokensPerMinute_TwoGateways_AdmittedTokensStayWithinLimitPlusOneReservation_WithAccurateRetryAfter()
    {
        var (consumerId, key) = await CreateConsumerAsync("tpm");
        await _admin.PutAsync($"/api/orgs/{_org}/projects/hammer/limits/consumer/{consumerId}", new { tokensPerMinute = 300 });
        var gateways = await StartGatewaysAsync(2);

        // Keep the burst inside one window (a burst across the boundary is two windows, each bounded on its own).
        while (DateTimeOffset.UtcNow.Second > 40)
        {
            await Task.Delay(500);
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => ChatAsync(gateways[i % 2], key)));
        var admitted = responses.Count(r => r.Status == HttpStatusCode.OK);
        var refused = responses.Where(r => r.Status != HttpStatusCode.OK).ToList();
        Assert.InRange(admitted, 1, 59);
        foreach (var r in refused)
        {
            Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limit_exceeded"), (r.Status, r.Code));
            Assert.Contains($"consumer {_org}.hammer.tpm", r.Message, StringComparison.Ordinal);
            // The window ends at the next full minute: Retry-After = 60 - the second of the response's Date (±1 for
            // Kestrel's once-a-second Date header). Across a minute boundary the two clocks may sit on either side of
            // it (Date :59, gate already at :00 → 60 s), so the difference is taken modulo the minute.
            var expected = 60 - r.Date.UtcDateTime.Second;
            var off = (((r.RetryAfterSeconds - expected) % 60) + 60) % 60;
            Assert.True(off <= 1 || off >= 59, $"Retry-After {r.RetryAfterSeconds} s, Date second {r.Date.UtcDateTime.Second}");
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Endpoint + ",allowAdmin=true");
        var server = redis.GetServer(_redis.Endpoint);
        var windows = server.Keys(pattern: _prefix + "*tpm:consumer:" + consumerId.ToString("N") + ":*").Where(k => !k.ToString().EndsWith(":p", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(windows);
        // One reservation: estimated prompt (1 token for "hi") + max_tokens 20.
        const long oneReservation = 21;
        foreach (var window in windows)
        {
            var (settled, reserved) = await WaitForSettledAsync(window.ToString());
            _output.WriteLine($"window {window}: {settled} tokens admitted ({admitted} requests), reserved {reserved}");
            Assert.Equal(0, reserved);
            Assert.True(settled <= 300 + oneReservation, $"{settled} tokens admitted in one window with a 300 TPM limit");
        }
    }

    [Fact]
    public async Task RedisFlushedMidMonth_NextRequestSeesMonthToDateSpendFromTheLedger_AndTheBudgetHolds()
    {
        var (consumerId, key) = await CreateConsumerAsync("flushy");
        await _admin.PutAsync($"/api/orgs/{_org}/projects/hammer/budgets/consumer/{consumerId}", new { monthlyUsd = 0.05m });
        var gateways = await StartGatewaysAsync(2);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(gateways[0], key)).Status);

        // Meanwhile the ledger learned of $0.047 spent this month (as ingest would have written it)…
        await InsertLedgerAsync(consumerId, rows: 47, usdEach: 0.001m);
        // …and Redis loses everything.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Endpoint + ",allowAdmin=true"))
        {
            await redis.GetServer(_redis.Endpoint).FlushAllDatabasesAsync();
        }

        // Re-seeded at $0.047: $0.047 + 0.002 fits, $0.048 + 0.002 fits, $0.049 + 0.002 does not. Without the ledger the
        // counter would restart at zero and admit 48.
        var after = new List<Reply>();
        for (var i = 0; i < 10; i++)
        {
            after.Add(await ChatAsync(gateways[i % 2], key));
        }

        Assert.Equal(2, after.Count(r => r.Status == HttpStatusCode.OK));
        var refusal = after.First(r => r.Status != HttpStatusCode.OK);
        Assert.Equal((HttpStatusCode.TooManyRequests, "budget_exceeded"), (refusal.Status, refusal.Code));
        var untilMonthEnd = BudgetPeriods.MonthEnd(DateTimeOffset.UtcNow) - DateTimeOffset.UtcNow;
        Assert.InRange(refusal.RetryAfterSeconds, untilMonthEnd.TotalSeconds - 30, untilMonthEnd.TotalSeconds + 30);
        Assert.Equal((49 * CostNano, 0L), await WaitForSettledAsync(await BudgetKeyAsync(consumerId)));
    }

    [Fact]
    public async Task RedisDown_BudgetsFailClosedWith503_LimitsFailOpen_FailOpenBudgetsWhenConfigured_AndRecovery()
    {
        var (budgeted, budgetedKey) = await CreateConsumerAsync("budgeted");
        var (limited, limitedKey) = await CreateConsumerAsync("limited");
        await _admin.PutAsync($"/api/orgs/{_org}/projects/hammer/budgets/consumer/{budgeted}", new { monthlyUsd = 1m });
        await _admin.PutAsync($"/api/orgs/{_org}/projects/hammer/limits/consumer/{limited}", new { tokensPerMinute = 100_000 });
        var gateways = await StartGatewaysAsync(1);
        var openUrl = FreePort.NextUrl();
        var open = StartGateway(openUrl, new() { ["WARDEN__Gateway__Budgets__FailMode"] = "open" });
        await open.WaitForHttpOkAsync(new Uri(openUrl, "/readyz"));
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(gateways[0], budgetedKey)).Status);

        await _redis.KillAsync();

        var closed = await ChatAsync(gateways[0], budgetedKey);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "counters_unavailable"), (closed.Status, closed.Code));
        Assert.True(closed.RetryAfterSeconds > 0);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(gateways[0], limitedKey)).Status); // limits fail open by default
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(openUrl, budgetedKey)).Status);    // budgets fail open when configured
        using (var health = await _http.GetAsync(new Uri(gateways[0], "/healthz")))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // Redis comes back (empty): the gateway reconnects by itself and re-seeds from the ledger.
        await _redis.StartAgainAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode last;
        do
        {
            last = (await ChatAsync(gateways[0], budgetedKey)).Status;
            if (last == HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, last);
        Assert.Contains("fail_closed", gatewaysOutput(0), StringComparison.Ordinal);

        string gatewaysOutput(int index) => _processes[index + 1].Output;
    }

    [Fact]
    public async Task SpendEndpoint_RequiresTheInternalToken_ValidatesItsQuery_AndAnswersPerScope()
    {
        var (consumerId, _) = await CreateConsumerAsync("ledgered");
        await InsertLedgerAsync(consumerId, rows: 3, usdEach: 0.25m);
        var month = BudgetPeriods.MonthKey(DateTimeOffset.UtcNow);
        var other = Guid.NewGuid();
        var url = new Uri(_controlPlaneUrl, $"/internal/spend?month={month}&scope=consumer:{consumerId:N}&scope=group:{other}");

        using (var anonymous = await _http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        foreach (var bad in new[] { "/internal/spend?month=2026-13&scope=consumer:" + consumerId, "/internal/spend?month=" + month, "/internal/spend?month=" + month + "&scope=team:" + consumerId })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_controlPlaneUrl, bad));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", InternalToken);
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", InternalToken);
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(month, body.RootElement.GetProperty("month").GetString());
            var scopes = body.RootElement.GetProperty("scopes").EnumerateArray()
                .ToDictionary(e => (e.GetProperty("scope").GetString(), e.GetProperty("id").GetGuid()), e => e.GetProperty("usd").GetDecimal());
            Assert.Equal(0.75m, scopes[("consumer", consumerId)]);
            Assert.Equal(0m, scopes[("group", other)]);
        }
    }

    private async Task<(Guid Id, string Key)> CreateConsumerAsync(string name)
    {
        var id = await _admin.CreateConsumerAsync(_org, "hammer", name);
        var (_, key) = await _admin.CreateKeyAsync(_org, "hammer", id);
        return (id, key);
    }

    private async Task<Uri[]> StartGatewaysAsync(int count)
    {
        var urls = new Uri[count];
        for (var i = 0; i < count; i++)
        {
            urls[i] = FreePort.NextUrl();
            StartGateway(urls[i], []);
        }

        foreach (var (url, process) in urls.Zip(_processes.TakeLast(count)))
        {
            await process.WaitForHttpOkAsync(new Uri(url, "/readyz"));
        }

        await WaitForGatewaysInSyncAsync();
        return urls;
    }

    private WardenProcess StartGateway(Uri url, Dictionary<string, string?> extra)
    {
        var environment = new Dictionary<string, string?>
        {
            ["WARDEN__Gateway__InternalToken"] = InternalToken,
            ["WARDEN__Gateway__Counters__Store"] = "redis",
            ["WARDEN__Gateway__Counters__Redis"] = _redis.Endpoint,
            ["WARDEN__Gateway__Counters__KeyPrefix"] = _prefix,
        };
        foreach (var (k, v) in extra)
        {
            environment[k] = v;
        }

        return Start(["gateway", "--url", url.ToString(), "--control-plane-url", _controlPlaneUrl.ToString()], environment);
    }

    private WardenProcess Start(string[] arguments, Dictionary<string, string?> environment)
    {
        var process = WardenProcess.Start(arguments, environment);
        _processes.Add(process);
        return process;
    }

    // Every gateway has applied the latest configuration (budgets and limits included) before traffic starts.
    private async Task WaitForGatewaysInSyncAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var view = await _admin.GetAsync("/api/gateways");
            var gateways = view.RootElement.GetProperty("gateways").EnumerateArray().ToList();
            var latest = view.RootElement.GetProperty("latestRevision").GetInt64();
            if (gateways.Count > 0 && gateways.All(g => g.GetProperty("inSync").GetBoolean() && g.GetProperty("appliedRevision").GetInt64() == latest))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "gateways not in sync: " + view.RootElement.GetRawText());
            await Task.Delay(100);
        }
    }

    // Keys carry the counter epoch the control plane derived from its database (prefix + epoch + ":b:…"): find it.
    private async Task<string> BudgetKeyAsync(Guid consumerId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Endpoint + ",allowAdmin=true");
        var suffix = ":b:consumer:" + consumerId.ToString("N") + ":" + BudgetPeriods.MonthKey(DateTimeOffset.UtcNow);
        var key = Assert.Single(redis.GetServer(_redis.Endpoint).Keys(pattern: _prefix + "*" + suffix).Select(k => k.ToString()));
        Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(_prefix) + "[0-9a-f]{16}" + System.Text.RegularExpressions.Regex.Escape(suffix) + "$", key);
        return key;
    }

    // Settles run right after the response is written: wait (bounded) until nothing is reserved any more.
    private async Task<(long Settled, long Reserved)> WaitForSettledAsync(string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Endpoint);
        var db = redis.GetDatabase();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var values = await db.HashGetAsync(key, ["s", "r"]);
            var settled = values[0].IsNull ? 0 : (long)values[0];
            var reserved = values[1].IsNull ? 0 : (long)values[1];
            if (reserved == 0 || DateTime.UtcNow > deadline)
            {
                return (settled, reserved);
            }

            await Task.Delay(50);
        }
    }

    private async Task InsertLedgerAsync(Guid consumerId, int rows, decimal usdEach)
    {
        using var project = await _admin.GetAsync($"/api/orgs/{_org}/projects/hammer");
        var projectId = project.RootElement.GetProperty("id").GetGuid();
        using var organization = await _admin.GetAsync($"/api/orgs/{_org}");
        var organizationId = organization.RootElement.GetProperty("id").GetGuid();
        var now = DateTimeOffset.UtcNow;
        var at = now.AddMinutes(-1) < BudgetPeriods.MonthStart(now) ? now : now.AddMinutes(-1);
        await using var db = new WardenDbContextFactory(StorageOptions.ForPostgres(_database.ConnectionString)).CreateDbContext();
        for (var i = 0; i < rows; i++)
        {
            db.UsageRecords.Add(new UsageRecord
            {
                EventId = Guid.NewGuid(),
                OccurredAt = at,
                OrganizationId = organizationId,
                ProjectId = projectId,
                ConsumerId = consumerId,
                LogicalModel = "hammer",
                Status = "ok",
                RequestId = "ledger-" + i.ToString(CultureInfo.InvariantCulture),
                OutputTokens = 10,
                CostUsd = usdEach,
            });
        }

        await db.SaveChangesAsync();
    }

    private async Task<Reply> ChatAsync(Uri gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/v1/chat/completions"))
        {
            Content = new StringContent(Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        string? code = null;
        string message = "";
        if (response.StatusCode != HttpStatusCode.OK)
        {
            using var error = JsonDocument.Parse(text);
            code = error.RootElement.GetProperty("error").GetProperty("code").GetString();
            message = error.RootElement.GetProperty("error").GetProperty("message").GetString() ?? "";
        }

        var retryAfter = response.Headers.RetryAfter?.Delta is { } delta ? (int)delta.TotalSeconds : -1;
        return new Reply(response.StatusCode, code, message, retryAfter, response.Headers.Date ?? DateTimeOffset.UtcNow);
    }

    private sealed record Reply(HttpStatusCode Status, string? Code, string Message, int RetryAfterSeconds, DateTimeOffset Date);
}
