using System.Collections.Frozen;
using Warden.Core.Budgets;
using Warden.Core.Pricing;
using Warden.Core.Snapshots;

namespace Warden.Core.Tests.Budgets;

public sealed class AdmissionPlannerTests
{
    private static readonly DateTimeOffset s_now = new(2026, 2, 28, 23, 59, 30, 250, TimeSpan.Zero);
    private static readonly ProviderEntry s_provider = new(Guid.NewGuid(), "p", ProviderKind.OpenAi, new Uri("http://upstream/v1"), FrozenDictionary<string, string>.Empty, null);
    private static readonly PriceTable s_prices = new([
        KeyValuePair.Create("cheap", new ModelPrice(1m, 2m, 0.5m, 0m)),
        KeyValuePair.Create("dear", new ModelPrice(10m, 30m, 5m, 0m)),
    ]);

    [Fact]
    public void Plan_NothingConfigured_IsEmpty()
    {
        var consumer = Consumer(ProjectSettings.Empty);

        var plan = AdmissionPlanner.Plan(consumer, Route("cheap"), s_prices, new AdmissionInput("chat", 400, 100, null), s_now, 4096, "w:");

        Assert.True(plan.Charges.IsEmpty);
    }

    [Fact]
    public void Plan_WorstCase_IsPromptEstimatePlusOutputAllowance_AtTheDearestTargetOfTheRoute()
    {
        var consumer = Consumer(ProjectSettings.Empty with { ProjectBudget = new BudgetEntry(PolicyScope.Project, Guid.Empty, 10m) });

        // 400 bytes ≈ 100 prompt tokens; max_tokens 50 × n 2 = 100 output tokens; dear: 100 × $10/M + 100 × $30/M.
        var plan = AdmissionPlanner.Plan(consumer, Route("cheap", "dear"), s_prices, new AdmissionInput("chat", 400, 50, 2), s_now, 4096, "w:");

        Assert.Equal(200, plan.ReservedTokens);
        Assert.Equal(0.004m, plan.ReservedUsd);
        var charge = Assert.Single(plan.Charges);
        Assert.Equal(4_000_000, charge.Amount);
        Assert.Equal(10_000_000_000, charge.Limit);
    }

    [Fact]
    public void Plan_WithoutMaxTokens_ReservesTheDefaultOutputAllowance()
    {
        var consumer = Consumer(ProjectSettings.Empty with { ProjectLimit = new LimitEntry(PolicyScope.Project, Guid.Empty, 100_000, null, null) });

        var plan = AdmissionPlanner.Plan(consumer, Route("cheap"), s_prices, new AdmissionInput("chat", 3, null, null), s_now, 1000, "w:");

        Assert.Equal(1001, Assert.Single(plan.Charges).Amount);
    }

    [Fact]
    public void Plan_KeysCarryThePeriod_OneChargePerCounterOfEveryScope()
    {
        var project = Guid.NewGuid();
        var consumer = Consumer(ProjectSettings.Empty with
        {
            ProjectBudget = new BudgetEntry(PolicyScope.Project, project, 5m),
            ProjectLimit = new LimitEntry(PolicyScope.Project, project, 1000, 10, 2),
        });

        var plan = AdmissionPlanner.Plan(consumer, Route("cheap"), s_prices, new AdmissionInput("chat", 4, 10, null), s_now, 4096, "w:");

        var scope = "project:" + project.ToString("N");
        Assert.Equal(
            ["w:b:" + scope + ":2026-02", "w:tpm:" + scope + ":202602282359", "w:rpm:" + scope + ":202602282359", "w:cc:" + scope],
            plan.Charges.Select(c => c.Key));
        Assert.Equal([CounterKind.BudgetUsd, CounterKind.TokensPerMinute, CounterKind.RequestsPerMinute, CounterKind.Concurrency], plan.Charges.Select(c => c.Kind));
        Assert.All(plan.Charges, c => Assert.Equal("project acme.payments", c.ScopeName));
        Assert.Equal([UsdUnits.ToNano(0.5m), 7L, 1L, 0L], plan.Actuals(0.5m, 7));
    }

    [Fact]
    public void RetryAfter_IsTimeToMonthEnd_WindowEnd_OrOneSecondForConcurrency()
    {
        var consumer = Consumer(ProjectSettings.Empty with
        {
            ProjectBudget = new BudgetEntry(PolicyScope.Project, Guid.Empty, 5m),
            ProjectLimit = new LimitEntry(PolicyScope.Project, Guid.Empty, 1000, null, 2),
        });
        var plan = AdmissionPlanner.Plan(consumer, Route("cheap"), s_prices, new AdmissionInput("chat", 4, 10, null), s_now, 4096, "w:");

        Assert.Equal(TimeSpan.FromMilliseconds(29_750), BudgetPeriods.RetryAfter(plan.Charges[0], s_now)); // to 2026-03-01T00:00Z
        Assert.Equal(TimeSpan.FromMilliseconds(29_750), BudgetPeriods.RetryAfter(plan.Charges[1], s_now)); // to 23:59→00:00
        Assert.Equal(TimeSpan.FromSeconds(1), BudgetPeriods.RetryAfter(plan.Charges[2], s_now));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), BudgetPeriods.MonthEnd(s_now));
    }

    [Theory]
    [InlineData("2026-11", true)]
    [InlineData("2026-1", false)]
    [InlineData("2026-13", false)]
    [InlineData("26-11-01", false)]
    public void TryParseMonth_AcceptsOnlyYearDashMonth(string text, bool ok) => Assert.Equal(ok, BudgetPeriods.TryParseMonth(text, out _));

    [Fact]
    public void UsdUnits_RoundUp_SoReservationsNeverUndercount()
    {
        Assert.Equal(1, UsdUnits.ToNano(0.0000000001m));
        Assert.Equal(1_500_000_000, UsdUnits.ToNano(1.5m));
        Assert.Equal(0, UsdUnits.ToNano(-1m));
    }

    [Fact]
    public void Plan_SameConsumerEntry_FollowsTheClock_ThePrefix_AndANewSnapshotsSettings()
    {
        var project = Guid.NewGuid();
        var consumer = Consumer(ProjectSettings.Empty with
        {
            ProjectBudget = new BudgetEntry(PolicyScope.Project, project, 5m),
            ProjectLimit = new LimitEntry(PolicyScope.Project, project, 1000, null, null),
        });
        var input = new AdmissionInput("chat", 4, 10, null);
        var scope = "project:" + project.ToString("N");

        // The charge template is cached per consumer entry: the period part of the keys must still follow the clock.
        var first = AdmissionPlanner.Plan(consumer, Route("cheap"), s_prices, input, s_now, 4096, "w:");
        var nextMinute = AdmissionPlanner.Plan(consumer, Route("cheap"), s_prices, input, s_now.AddSeconds(40), 4096, "w:");
        Assert.Equal(["w:b:" + scope + ":2026-02", "w:tpm:" + scope + ":202602282359"], first.Charges.Select(c => c.Key));
        Assert.Equal(["w:b:" + scope + ":2026-03", "w:tpm:" + scope + ":202603010000"], nextMinute.Charges.Select(c => c.Key));
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), nextMinute.Charges[0].PeriodEnd);

        // Another prefix, then the same consumer in a newer snapshot whose project budget changed.
        Assert.All(AdmissionPlanner.Plan(consumer, Route("cheap"), s_prices, input, s_now, 4096, "x:").Charges, c => Assert.StartsWith("x:", c.Key, StringComparison.Ordinal));
        var updated = consumer with { Project = consumer.Project with { Settings = consumer.Project.Settings with { ProjectBudget = new BudgetEntry(PolicyScope.Project, project, 7m) } } };
        Assert.Equal(UsdUnits.ToNano(7m), AdmissionPlanner.Plan(updated, Route("cheap"), s_prices, input, s_now, 4096, "w:").Charges[0].Limit);
        Assert.Equal(UsdUnits.ToNano(5m), AdmissionPlanner.Plan(consumer, Route("cheap"), s_prices, input, s_now, 4096, "w:").Charges[0].Limit);
    }

    private static RouteEntry Route(params string[] upstreamModels) =>
        new("chat", RouteStrategyKind.Fallback, [.. upstreamModels.Select(m => new RouteTargetEntry(s_provider, m, 1, TimeSpan.FromSeconds(5)))], 1, TimeSpan.Zero);

    private static ConsumerEntry Consumer(ProjectSettings settings)
    {
        var project = new ProjectEntry(Guid.NewGuid(), Guid.NewGuid(), "acme", "payments", FrozenDictionary<string, RouteEntry>.Empty, settings);
        return new ConsumerEntry(Guid.NewGuid(), "svc", project, []);
    }
}
