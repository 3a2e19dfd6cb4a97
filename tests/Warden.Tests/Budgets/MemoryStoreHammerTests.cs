using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Warden.Core.Budgets;
using Warden.Gateway.Counters;
using Xunit.Abstractions;

namespace Warden.Tests.Budgets;

/// <summary>The hammer on one gateway with the in-process counter store: 300 concurrent requests against a $0.05 budget.</summary>
public sealed class MemoryStoreHammerTests
{
    private const long CostNano = 1_000_000;
    private const long ReservationNano = 2_000_000;
    private const long CapNano = 50_000_000;
    private readonly ITestOutputHelper _output;

    public MemoryStoreHammerTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Hammer_OneGatewayMemoryStore_SpendStaysWithinCapPlusOneReservation_AndEveryAdmittedRequestIsSettled()
    {
        var store = new MemoryCounterStore();
        await using var gateway = await InProcessGateway.StartAsync(store);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var key = gateway.Consumers["svc"].Key;

        var statuses = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => ChatAsync(http, gateway.Url, key)));
        var admitted = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
        var (settled, reserved) = await WaitForSettledAsync(store, gateway.BudgetKey("svc"));
        _output.WriteLine($"burst: admitted {admitted}, settled {UsdUnits.FromNano(settled)} USD, reserved {reserved}");
        Assert.InRange(admitted, 1, 299);
        Assert.Equal(0, reserved);
        Assert.Equal(admitted * CostNano, settled);
        Assert.True(settled <= CapNano + ReservationNano);

        for (var i = 0; i < 60; i++)
        {
            admitted += await ChatAsync(http, gateway.Url, key) == HttpStatusCode.OK ? 1 : 0;
        }

        (settled, reserved) = await WaitForSettledAsync(store, gateway.BudgetKey("svc"));
        _output.WriteLine($"after top-up: admitted {admitted}, settled {UsdUnits.FromNano(settled)} USD");
        Assert.Equal(0, reserved);
        Assert.Equal(admitted * CostNano, settled);
        Assert.InRange(settled, CapNano - ReservationNano, CapNano + ReservationNano);
    }

    [Fact]
    public async Task StreamingRequest_IsSettledWithTheUpstreamsReportedUsage()
    {
        var store = new MemoryCounterStore();
        await using var gateway = await InProcessGateway.StartAsync(store);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.Url, "/v1/chat/completions"))
        {
            Content = new StringContent("""{"model":"hammer","stream":true,"max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", gateway.Consumers["svc"].Key);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("[DONE]", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"usage\":{", body, StringComparison.Ordinal); // the injected usage chunk was stripped

        // 10 completion tokens reported in the (stripped) usage chunk: $0.001, and the $0.002 reservation released.
        Assert.Equal((CostNano, 0L), await WaitForSettledAsync(store, gateway.BudgetKey("svc")));
    }

    internal static async Task<HttpStatusCode> ChatAsync(HttpClient http, Uri gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/v1/chat/completions"))
        {
            Content = new StringContent("""{"model":"hammer","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    private static async Task<(long Settled, long Reserved)> WaitForSettledAsync(MemoryCounterStore store, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var value = store.ReadRaw(key);
            if (value.Reserved == 0 || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(20);
        }
    }
}
