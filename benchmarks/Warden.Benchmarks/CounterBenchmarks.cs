using System.Collections.Frozen;
using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Warden.Core.Budgets;
using Warden.Core.Pricing;
using Warden.Core.Snapshots;
using Warden.Gateway.Counters;

namespace Warden.Benchmarks;

/// <summary>
/// Gate 4 without the network: planning a request's charges (organization, project and consumer budgets; project and
/// consumer TPM/RPM limits, as the end-to-end benchmark configures) and reserving then settling them in the
/// single-gateway memory store. The Redis store's cost is one round trip on top, measured end to end.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CounterBenchmarks
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private ConsumerEntry _consumer = null!;
    private RouteEntry _route = null!;
    private PriceTable _prices = null!;
    private MemoryCounterStore _store = null!;
    private AdmissionPlan _plan = null!;
    private long[] _actuals = null!;
    private int _sequence;

    [GlobalSetup]
    public void Setup()
    {
        var organizationId = Guid.NewGuid();
        var projectId = Guid.NewGuid();
        var consumerId = Guid.NewGuid();
        var settings = ProjectSettings.Empty with
        {
            OrganizationBudget = new BudgetEntry(PolicyScope.Organization, organizationId, 1_000_000m),
            ProjectBudget = new BudgetEntry(PolicyScope.Project, projectId, 1_000_000m),
            ProjectLimit = new LimitEntry(PolicyScope.Project, projectId, 1_000_000_000, 100_000_000, null),
            ConsumerBudgets = new Dictionary<Guid, BudgetEntry> { [consumerId] = new(PolicyScope.Consumer, consumerId, 1_000_000m) }.ToFrozenDictionary(),
            ConsumerLimits = new Dictionary<Guid, LimitEntry> { [consumerId] = new(PolicyScope.Consumer, consumerId, 1_000_000_000, 100_000_000, null) }.ToFrozenDictionary(),
        };
        var project = new ProjectEntry(projectId, organizationId, "acme", "payments", FrozenDictionary<string, RouteEntry>.Empty, settings);
        _consumer = new ConsumerEntry(consumerId, "svc", project, ImmutableArray<GroupEntry>.Empty);
        var provider = new ProviderEntry(Guid.NewGuid(), "mock", ProviderKind.OpenAi, new Uri("http://upstream/v1"), FrozenDictionary<string, string>.Empty, null);
        _route = new RouteEntry("chat", RouteStrategyKind.Single, [new RouteTargetEntry(provider, "gpt-4o-mini", 1, TimeSpan.FromSeconds(30))], 1, TimeSpan.Zero);
        _prices = new PriceTable([KeyValuePair.Create("gpt-4o-mini", new ModelPrice(0.15m, 0.6m, 0.075m, 0m))]);
        _store = new MemoryCounterStore();
        _plan = Plan();
        _store.SeedAsync([.. _plan.Charges.Where(c => c.IsBudget).Select(c => new CounterSeed(c.Key, 0, c.PeriodEnd!.Value))], CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _actuals = _plan.Actuals(0.00002m, 80);
    }

    /// <summary>Scope chain, worst-case cost and one charge per counter (5 charges here).</summary>
    [Benchmark]
    public AdmissionPlan Plan() => AdmissionPlanner.Plan(_consumer, _route, _prices, new AdmissionInput("chat", 240, 64, null), s_now, 4096, "warden:");

    /// <summary>All-or-nothing reservation of the 5 charges, then the settle with actual usage.</summary>
    [Benchmark]
    public async Task<ReserveStatus> ReserveAndSettle()
    {
        var id = "r" + (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = await _store.ReserveAsync(id, _plan.Charges, s_now, TimeSpan.FromMinutes(5), CancellationToken.None);
        await _store.SettleAsync(id, _plan.Charges, _actuals, s_now, CancellationToken.None);
        return result.Status;
    }
}
