using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Budgets;
using Warden.Core.Errors;
using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Gateway.Counters;

namespace Warden.Gateway.Tests.Counters;

/// <summary>
/// The behaviour every counter store must have, driven through <see cref="BudgetLimitGate"/> on a fake clock: the
/// tightest of the organization, project, group and consumer caps wins; budgets roll over at 00:00 UTC on the 1st;
/// token limits free at the window end; unsettled reservations expire; settle is idempotent; absent budget counters
/// are seeded from the ledger exactly once.
/// </summary>
public abstract class CounterStoreContract
{
    // Two minutes before a month rolls over, in the future (Redis expires keys by its own clock, so fake times must
    // not lie in the past).
    private static readonly DateTimeOffset s_monthEnd = BudgetPeriods.MonthEnd(BudgetPeriods.MonthEnd(DateTimeOffset.UtcNow));
    private static readonly DateTimeOffset s_start = s_monthEnd.AddMinutes(-2);
    private static readonly DateTimeOffset s_midMonth = s_monthEnd.AddDays(-10).AddHours(-12);

    protected abstract ICounterStore Store { get; }

    public static TheoryData<string, decimal, decimal, decimal, decimal> Caps => new()
    {
        // tightest scope, org, project, group, consumer (USD); requests cost $0.005 and reserve $0.01
        { "organization acme", 0.05m, 0.10m, 0.20m, 0.30m },
        { "project acme.payments", 0.30m, 0.05m, 0.20m, 0.10m },
        { "group acme.eng", 0.30m, 0.20m, 0.05m, 0.10m },
        { "consumer acme.payments.svc", 0.30m, 0.20m, 0.10m, 0.05m },
    };

    [Theory]
    [MemberData(nameof(Caps))]
    public async Task TightestCap_Wins_AtEveryScope(string tightest, decimal org, decimal project, decimal group, decimal consumer)
    {
        var scenario = new BudgetScenario(Store, new FakeTimeProvider(s_midMonth),
            org: new BudgetEntry(PolicyScope.Organization, default, org),
            project: new BudgetEntry(PolicyScope.Project, default, project),
            group: new BudgetEntry(PolicyScope.Group, default, group),
            consumer: new BudgetEntry(PolicyScope.Consumer, default, consumer));

        var (admitted, refusal) = await scenario.SpendUntilRefusedAsync(outputTokens: 5);

        // $0.05 cap, $0.005 per request, $0.01 worst case: admitted while spent + 0.01 <= 0.05, i.e. 9 requests.
        Assert.Equal(9, admitted);
        Assert.Equal(GatewayError.BudgetExceeded, refusal.Error);
        Assert.Contains(tightest, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Budget_RollsOverAt0000Utc_OnTheFirst_AndRetryAfterPointsThere()
    {
        var time = new FakeTimeProvider(s_start);
        var scenario = new BudgetScenario(Store, time, consumer: new BudgetEntry(PolicyScope.Consumer, default, 0.02m));
        var (admitted, refusal) = await scenario.SpendUntilRefusedAsync(outputTokens: 10);
        Assert.Equal(2, admitted);
        Assert.Equal(TimeSpan.FromMinutes(2), refusal.RetryAfter);
        Assert.Contains($"resets at {s_monthEnd:yyyy-MM-dd}T00:00:00Z", refusal.Message, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromMilliseconds(1));
        Assert.False((await scenario.ReserveAsync()).Decision.Passed);

        time.Advance(TimeSpan.FromMilliseconds(1)); // 00:00:00Z on the 1st
        var (decision, reservation) = await scenario.ReserveAsync();
        Assert.True(decision.Passed);
        await reservation!.SettleAsync(new TokenUsage(10, 10, 0, 0), scenario.Target, CancellationToken.None);
    }

    [Fact]
    public async Task TokenLimit_RefusesUntilTheWindowEnds_WithAccurateRetryAfter()
    {
        var time = new FakeTimeProvider(s_midMonth.AddSeconds(15));
        var scenario = new BudgetScenario(Store, time, consumerLimit: new LimitEntry(PolicyScope.Consumer, default, 100, null, null));
        // Each request reserves 10 prompt + 40 output = 50 tokens and settles at 10 + 20 = 30.
        var admitted = 0;
        while (true)
        {
            var (decision, reservation) = await scenario.ReserveAsync(maxTokens: 40);
            if (!decision.Passed)
            {
                Assert.Equal(GatewayError.RateLimitExceeded, decision.Error);
                Assert.Contains("consumer acme.payments.svc", decision.Message, StringComparison.Ordinal);
                Assert.Equal(TimeSpan.FromSeconds(45), decision.RetryAfter);
                break;
            }

            admitted++;
            await reservation!.SettleAsync(new TokenUsage(10, 20, 0, 0), scenario.Target, CancellationToken.None);
        }

        // 30 + 30 = 60; a third would make 60 + 50 > 100.
        Assert.Equal(2, admitted);
        time.Advance(TimeSpan.FromSeconds(45));
        Assert.True((await scenario.ReserveAsync(maxTokens: 40)).Decision.Passed);
    }

    [Fact]
    public async Task TokenLimit_AdmitsOneOversizedRequest_OnlyIntoAnEmptyWindow()
    {
        var time = new FakeTimeProvider(s_midMonth);
        var scenario = new BudgetScenario(Store, time, consumerLimit: new LimitEntry(PolicyScope.Consumer, default, 100, null, null));
        var (first, _) = await scenario.ReserveAsync(maxTokens: 500);
        var (second, _) = await scenario.ReserveAsync(maxTokens: 1);
        Assert.True(first.Passed);
        Assert.False(second.Passed);
    }

    [Fact]
    public async Task ConcurrencyLimit_HoldsUntilSettled_AndUnsettledReservationsExpire()
    {
        var time = new FakeTimeProvider(s_midMonth);
        var scenario = new BudgetScenario(Store, time, consumerLimit: new LimitEntry(PolicyScope.Consumer, default, 1_000_000, null, 2));
        var (a, ra) = await scenario.ReserveAsync();
        var (b, _) = await scenario.ReserveAsync(); // never settled: its gateway "crashed"
        var (c, _) = await scenario.ReserveAsync();
        Assert.True(a.Passed);
        Assert.True(b.Passed);
        Assert.False(c.Passed);
        Assert.Equal(GatewayError.RateLimitExceeded, c.Error);

        await ra!.SettleAsync(null, null, CancellationToken.None);
        var (d, _) = await scenario.ReserveAsync();
        Assert.True(d.Passed);
        Assert.False((await scenario.ReserveAsync()).Decision.Passed);

        // Both open reservations expire after the TTL, so nothing leaks.
        time.Advance(TimeSpan.FromSeconds(scenario.Options.Counters.ReservationTtlSeconds + 1));
        Assert.True((await scenario.ReserveAsync()).Decision.Passed);
        Assert.True((await scenario.ReserveAsync()).Decision.Passed);
    }

    [Fact]
    public async Task Settle_IsIdempotentPerReservation_AndReplacesTheReservationWithTheActualCost()
    {
        var time = new FakeTimeProvider(s_midMonth);
        var scenario = new BudgetScenario(Store, time, consumer: new BudgetEntry(PolicyScope.Consumer, default, 1m));
        var (_, reservation) = await scenario.ReserveAsync();
        var key = scenario.Options.Counters.KeyPrefix + "b:" + AdmissionPlanner.ScopeKey(PolicyScope.Consumer, scenario.ConsumerId) + ":" + BudgetPeriods.MonthKey(s_midMonth);
        Assert.Equal((0L, UsdUnits.ToNano(0.01m)), await ReadAsync(key));

        var charge = new CounterCharge(key, CounterKind.BudgetUsd, PolicyScope.Consumer, scenario.ConsumerId, "c", UsdUnits.ToNano(1m), UsdUnits.ToNano(0.01m), s_monthEnd);
        var id = "settle-twice-" + Guid.NewGuid().ToString("N");
        Assert.Equal(ReserveStatus.Reserved, (await Store.ReserveAsync(id, [charge], time.GetUtcNow(), TimeSpan.FromMinutes(5), CancellationToken.None)).Status);
        await Store.SettleAsync(id, [charge], [UsdUnits.ToNano(0.004m)], time.GetUtcNow(), CancellationToken.None);
        await Store.SettleAsync(id, [charge], [UsdUnits.ToNano(0.004m)], time.GetUtcNow(), CancellationToken.None);
        await reservation!.SettleAsync(new TokenUsage(10, 5, 0, 0), scenario.Target, CancellationToken.None);
        await reservation.SettleAsync(new TokenUsage(10, 5, 0, 0), scenario.Target, CancellationToken.None);

        Assert.Equal((UsdUnits.ToNano(0.009m), 0L), await ReadAsync(key));
    }

    [Fact]
    public async Task SettleAfterTheReservationExpired_StillCountsTheActualAmount_Once()
    {
        var time = new FakeTimeProvider(s_midMonth);
        var scenario = new BudgetScenario(Store, time, consumer: new BudgetEntry(PolicyScope.Consumer, default, 1m));
        var (_, slow) = await scenario.ReserveAsync();
        time.Advance(TimeSpan.FromSeconds(scenario.Options.Counters.ReservationTtlSeconds + 1));
        var (_, other) = await scenario.ReserveAsync(); // purges the expired hold
        var key = scenario.Options.Counters.KeyPrefix + "b:" + AdmissionPlanner.ScopeKey(PolicyScope.Consumer, scenario.ConsumerId) + ":" + BudgetPeriods.MonthKey(s_midMonth);
        Assert.Equal((0L, UsdUnits.ToNano(0.01m)), await ReadAsync(key));

        await slow!.SettleAsync(new TokenUsage(10, 5, 0, 0), scenario.Target, CancellationToken.None);
        await other!.SettleAsync(new TokenUsage(10, 5, 0, 0), scenario.Target, CancellationToken.None);
        var charge = new CounterCharge(key, CounterKind.BudgetUsd, PolicyScope.Consumer, scenario.ConsumerId, "c", UsdUnits.ToNano(1m), UsdUnits.ToNano(0.01m), s_monthEnd);
        await Store.SettleAsync("never-reserved", [charge], [UsdUnits.ToNano(0.5m)], time.GetUtcNow(), CancellationToken.None);

        Assert.Equal((UsdUnits.ToNano(0.01m), 0L), await ReadAsync(key));
    }

    [Fact]
    public async Task AbsentBudgetCounter_IsSeededFromTheLedger_Once()
    {
        var time = new FakeTimeProvider(s_midMonth);
        var ledger = new FixedLedger(0.03m);
        var scenario = new BudgetScenario(Store, time, consumer: new BudgetEntry(PolicyScope.Consumer, default, 0.05m), ledger: ledger);

        // $0.03 already spent this month: with $0.005 per request and $0.01 reserved, three more fit (0.045 + 0.01 > 0.05).
        var (admitted, refusal) = await scenario.SpendUntilRefusedAsync(outputTokens: 5);
        Assert.Equal(3, admitted);
        Assert.Equal(GatewayError.BudgetExceeded, refusal.Error);
        Assert.Equal(1, ledger.Calls);
        Assert.Equal(new ScopeRef(PolicyScope.Consumer, scenario.ConsumerId), Assert.Single(ledger.LastScopes));

        // A second seed (another gateway that raced) changes nothing.
        var key = scenario.Options.Counters.KeyPrefix + "b:" + AdmissionPlanner.ScopeKey(PolicyScope.Consumer, scenario.ConsumerId) + ":" + BudgetPeriods.MonthKey(s_midMonth);
        await Store.SeedAsync([new CounterSeed(key, UsdUnits.ToNano(0.03m), s_start.AddDays(1))], CancellationToken.None);
        Assert.Equal((UsdUnits.ToNano(0.045m), 0L), await ReadAsync(key));
    }

    [Fact]
    public async Task LedgerUnreachable_BudgetsFailClosedByDefault_OpenWhenConfigured()
    {
        var time = new FakeTimeProvider(s_midMonth);
        var closed = new BudgetScenario(Store, time, consumer: new BudgetEntry(PolicyScope.Consumer, default, 1m), ledger: new FixedLedger(null));
        var (refused, _) = await closed.ReserveAsync();
        Assert.Equal(GatewayError.CountersUnavailable, refused.Error);
        Assert.Equal(503, ErrorCatalogue.Describe(refused.Error!.Value).Status);

        var options = new GatewayOptions();
        options.Budgets.FailMode = FailMode.Open;
        var open = new BudgetScenario(Store, time, consumer: new BudgetEntry(PolicyScope.Consumer, default, 1m), ledger: new FixedLedger(null), options: options);
        var (passed, reservation) = await open.ReserveAsync();
        Assert.True(passed.Passed);
        Assert.Null(reservation);
    }

    [Fact]
    public async Task NewCounterEpoch_StartsFreshCountersSeededFromTheRestoredLedger_AndSettlesOfTheOldEpochStayOnItsCounters()
    {
        var ledger = new MutableLedger { Usd = 0.01m };
        var scenario = new BudgetScenario(Store, new FakeTimeProvider(s_midMonth), consumer: new BudgetEntry(PolicyScope.Consumer, default, 0.05m), ledger: ledger);
        scenario.UseEpoch("00000000000000a1");
        var (_, inFlight) = await scenario.ReserveAsync();              // admitted before the restore, settles after it
        var (_, done) = await scenario.ReserveAsync();
        await done!.SettleAsync(new TokenUsage(10, 5, 0, 0), scenario.Target, CancellationToken.None);

        // The database is restored: its ledger now says $0.03, and snapshots carry a new epoch.
        ledger.Usd = 0.03m;
        scenario.UseEpoch("00000000000000b2");
        await inFlight!.SettleAsync(new TokenUsage(10, 5, 0, 0), scenario.Target, CancellationToken.None);
        var (admitted, refusal) = await scenario.SpendUntilRefusedAsync(outputTokens: 5);

        // $0.03 + $0.01 reserved fits up to $0.05: three requests at $0.005 (the old counter's $0.01 + holds would allow one).
        Assert.Equal(3, admitted);
        Assert.Equal(GatewayError.BudgetExceeded, refusal.Error);
        Assert.Equal((UsdUnits.ToNano(0.045m), 0L), await ReadAsync(scenario.ConsumerBudgetKey("00000000000000b2", s_midMonth)));
        // The old epoch's counter got its own request back, and nothing of the new epoch.
        Assert.Equal((UsdUnits.ToNano(0.02m), 0L), await ReadAsync(scenario.ConsumerBudgetKey("00000000000000a1", s_midMonth)));
    }

    protected abstract Task<(long Settled, long Reserved)> ReadAsync(string key);

    private sealed class MutableLedger : ISpendSource
    {
        public decimal Usd { get; set; }

        public ValueTask<IReadOnlyList<ScopeSpend>> GetMonthToDateAsync(DateTimeOffset monthStart, IReadOnlyList<ScopeRef> scopes, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<ScopeSpend>>([.. scopes.Select(s => new ScopeSpend(s, Usd))]);
    }

    private sealed class FixedLedger : ISpendSource
    {
        private readonly decimal? _usd;

        public FixedLedger(decimal? usd)
        {
            _usd = usd;
        }

        public int Calls { get; private set; }

        public IReadOnlyList<ScopeRef> LastScopes { get; private set; } = [];

        public ValueTask<IReadOnlyList<ScopeSpend>> GetMonthToDateAsync(DateTimeOffset monthStart, IReadOnlyList<ScopeRef> scopes, CancellationToken cancellationToken)
        {
            Calls++;
            LastScopes = [.. scopes];
            if (_usd is not { } usd)
            {
                throw new CounterStoreUnavailableException("ledger down");
            }

            return ValueTask.FromResult<IReadOnlyList<ScopeSpend>>([.. scopes.Select(s => new ScopeSpend(s, usd))]);
        }
    }
}
