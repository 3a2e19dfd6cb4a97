using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Budgets;
using Warden.Core.Snapshots;
using Warden.Gateway.Counters;
using Warden.Gateway.Tests.Harness;

namespace Warden.Gateway.Tests.Counters;

/// <summary>
/// A non-streaming answer reaches the client only after its reservation is settled, so a client that sends its next
/// request the moment it has the answer (to this or another gateway sharing the counters) is admitted against settled
/// counters, not against the previous request's worst-case reservation. The counter store here settles slowly on
/// purpose, which makes the order observable.
/// </summary>
public sealed class EarlySettleTests : IAsyncLifetime
{
    private static readonly TimeSpan s_settleDelay = TimeSpan.FromMilliseconds(300);

    private readonly SlowSettleStore _store = new(new MemoryCounterStore(), s_settleDelay);
    private readonly GatewayHarness _harness;
    private string _key = "";

    public EarlySettleTests()
    {
        _harness = new GatewayHarness(GatewayOptions.DefaultMaxRequestBytes, services => services.AddSingleton<ICounterStore>(_store));
    }

    public async Task InitializeAsync()
    {
        await _harness.InitializeAsync();
        var factory = new SnapshotFactory { ProjectBudgetUsd = 1_000m };
        var mock = factory.AddProvider("mock", ProviderKind.Mock, _harness.MockApiBase);
        factory.AddRoute("chat", RouteStrategyKind.Single, (mock, "gpt-4o-mini"));
        _key = factory.AddKey();
        _harness.Apply(factory);
    }

    public Task DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task NonStreamingAnswer_IsSentAfterItsReservationIsSettled()
    {
        using var http = new HttpClient { BaseAddress = _harness.GatewayUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);

        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsync("/v1/chat/completions",
                new StringContent("""{"model":"chat","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            _ = await response.Content.ReadAsStringAsync();
            var received = Stopwatch.GetTimestamp();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var settled = Assert.Single(_store.TakeSettledAt());
            Assert.True(settled <= received, $"the settle finished {Stopwatch.GetElapsedTime(received, settled).TotalMilliseconds:F0} ms after the client had the answer");
        }
    }

    [Fact]
    public async Task Stream_TheEndOfTheStreamIsSentAfterItsReservationIsSettled()
    {
        using var http = new HttpClient { BaseAddress = _harness.GatewayUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);

        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"chat","stream":true,"max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

            // Like an SDK, the client is done at "[DONE]" (before the response itself has ended).
            long? done = null;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line == "data: [DONE]")
                {
                    done = Stopwatch.GetTimestamp();
                    break;
                }
            }

            Assert.NotNull(done);
            var settled = Assert.Single(_store.TakeSettledAt());
            Assert.True(settled <= done, $"the settle finished {Stopwatch.GetElapsedTime(done.Value, settled).TotalMilliseconds:F0} ms after the client saw [DONE]");
        }
    }

    // The memory store, with every settle delayed and its completion time recorded.
    private sealed class SlowSettleStore(ICounterStore inner, TimeSpan delay) : ICounterStore
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<long> _settledAt = new();

        public List<long> TakeSettledAt()
        {
            var taken = new List<long>();
            while (_settledAt.TryDequeue(out var at))
            {
                taken.Add(at);
            }

            return taken;
        }

        public ValueTask<ReserveResult> ReserveAsync(string reservationId, ImmutableArray<CounterCharge> charges, DateTimeOffset now, TimeSpan holdFor, CancellationToken cancellationToken) =>
            inner.ReserveAsync(reservationId, charges, now, holdFor, cancellationToken);

        public async ValueTask SettleAsync(string reservationId, ImmutableArray<CounterCharge> charges, long[] actuals, DateTimeOffset now, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            await inner.SettleAsync(reservationId, charges, actuals, now, cancellationToken);
            _settledAt.Enqueue(Stopwatch.GetTimestamp());
        }

        public ValueTask SeedAsync(IReadOnlyList<CounterSeed> seeds, CancellationToken cancellationToken) => inner.SeedAsync(seeds, cancellationToken);
    }
}
