using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Budgets;
using Warden.Core.Pricing;
using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Gateway.Counters;
using Warden.Gateway.Gates;
using Warden.Gateway.Pipeline;
using Warden.Providers.Abstractions;

namespace Warden.Gateway.Tests.Counters;

/// <summary>
/// One consumer (org acme, project payments, group eng, consumer svc) on route <c>chat</c> priced at $0 input and
/// $1,000 per million output tokens, so a request with <c>max_tokens</c> 10 reserves exactly $0.01 and one that used
/// 5 output tokens costs exactly $0.005. Drives <see cref="BudgetLimitGate"/> directly on a fake clock.
/// </summary>
internal sealed class BudgetScenario
{
    public const decimal OutputPerMillion = 1000m;
    private static readonly IMeterFactory s_meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
    private ConfigSnapshot _snapshot;
    private readonly RouteEntry _route;

    public BudgetScenario(ICounterStore store, FakeTimeProvider time, BudgetEntry? org = null, BudgetEntry? project = null, BudgetEntry? group = null,
        BudgetEntry? consumer = null, LimitEntry? consumerLimit = null, ISpendSource? ledger = null, GatewayOptions? options = null)
    {
        Time = time;
        var provider = new ProviderEntry(Guid.NewGuid(), "mock", ProviderKind.Mock, new Uri("http://127.0.0.1:1/v1"), FrozenDictionary<string, string>.Empty, null);
        _route = new RouteEntry("chat", RouteStrategyKind.Single, [new RouteTargetEntry(provider, "priced-model", 1, TimeSpan.FromSeconds(5))], 1, TimeSpan.Zero);
        var groupEntry = new GroupEntry(GroupId, "eng", null, group is null ? null : group with { ScopeId = GroupId });
        var settings = ProjectSettings.Empty with
        {
            OrganizationBudget = org is null ? null : org with { ScopeId = OrganizationId },
            ProjectBudget = project is null ? null : project with { ScopeId = ProjectId },
            ConsumerBudgets = consumer is null ? FrozenDictionary<Guid, BudgetEntry>.Empty : new Dictionary<Guid, BudgetEntry> { [ConsumerId] = consumer with { ScopeId = ConsumerId } }.ToFrozenDictionary(),
            ConsumerLimits = consumerLimit is null ? FrozenDictionary<Guid, LimitEntry>.Empty : new Dictionary<Guid, LimitEntry> { [ConsumerId] = consumerLimit with { ScopeId = ConsumerId } }.ToFrozenDictionary(),
        };
        var projectEntry = new ProjectEntry(ProjectId, OrganizationId, "acme", "payments", new Dictionary<string, RouteEntry> { ["chat"] = _route }.ToFrozenDictionary(), settings);
        var consumerEntry = new ConsumerEntry(ConsumerId, "svc", projectEntry, [groupEntry]);
        Key = new KeyEntry(Guid.NewGuid(), "pub", new byte[32], consumerEntry, null, null);
        var prices = new PriceTable([KeyValuePair.Create("priced-model", new ModelPrice(0m, OutputPerMillion, 0m, 0m))]);
        _snapshot = new ConfigSnapshot(1, time.GetUtcNow(), [Key], [projectEntry], prices);
        Options = options ?? new GatewayOptions();
        Options.Counters.KeyPrefix = "test:" + Guid.NewGuid().ToString("N") + ":";
        Gate = new BudgetLimitGate(store, ledger ?? new EmptyLedger(), Options, new CounterMetrics(s_meters), time, NullLogger<BudgetLimitGate>.Instance);
    }

    public Guid OrganizationId { get; } = Guid.NewGuid();

    public Guid ProjectId { get; } = Guid.NewGuid();

    public Guid GroupId { get; } = Guid.NewGuid();

    public Guid ConsumerId { get; } = Guid.NewGuid();

    public KeyEntry Key { get; }

    public FakeTimeProvider Time { get; }

    public GatewayOptions Options { get; }

    public BudgetLimitGate Gate { get; }

    public RouteTargetEntry Target => _route.Targets[0];

    /// <summary>From now on, requests carry a snapshot of counter epoch <paramref name="epoch"/> (as after a database restore).</summary>
    public void UseEpoch(string epoch) =>
        _snapshot = new ConfigSnapshot(_snapshot.Revision, _snapshot.CreatedAt,
            new ConfigPart("", _snapshot.Projects.Values, _snapshot.Groups.Values, _snapshot.Prices) { CounterEpoch = epoch }, _snapshot.Keys);

    /// <summary>The key of the consumer's budget counter under <paramref name="epoch"/>.</summary>
    public string ConsumerBudgetKey(string epoch, DateTimeOffset now) =>
        CounterEpochs.KeyPrefix(Options.Counters.KeyPrefix, epoch) + "b:" + AdmissionPlanner.ScopeKey(PolicyScope.Consumer, ConsumerId) + ":" + BudgetPeriods.MonthKey(now);

    /// <summary>Reserves a request with <paramref name="maxTokens"/> and a 40-byte prompt (10 estimated tokens).</summary>
    public async Task<(GateDecision Decision, IBudgetReservation? Reservation)> ReserveAsync(int maxTokens = 10, long promptBytes = 40)
    {
        var facts = new RequestFacts { Model = "chat", MaxTokens = maxTokens, PromptTextBytes = promptBytes };
        return await Gate.ReserveAsync(new Request(_snapshot, Key, _route, facts), CancellationToken.None);
    }

    /// <summary>Admits and settles requests using <paramref name="outputTokens"/> each until one is refused; returns the admitted count and the refusal.</summary>
    public async Task<(int Admitted, GateDecision Refusal)> SpendUntilRefusedAsync(long outputTokens, int max = 10_000)
    {
        for (var admitted = 0; admitted < max; admitted++)
        {
            var (decision, reservation) = await ReserveAsync();
            if (!decision.Passed)
            {
                return (admitted, decision);
            }

            await reservation!.SettleAsync(new TokenUsage(10, outputTokens, 0, 0), Target, CancellationToken.None);
        }

        throw new InvalidOperationException("never refused");
    }

    private sealed class Request : IGatewayRequestFeature
    {
        public Request(ConfigSnapshot snapshot, KeyEntry key, RouteEntry route, RequestFacts facts)
        {
            Snapshot = snapshot;
            Key = key;
            Route = route;
            Facts = facts;
        }

        public ConfigSnapshot Snapshot { get; }

        public GatewayOperation Operation { get; } = new(OperationKind.ChatCompletions);

        public KeyEntry? Key { get; set; }

        public ReadOnlyMemory<byte> Body { get; set; }

        public RequestFacts? Facts { get; set; }

        public RouteEntry? Route { get; set; }

        public int MaskedPii { get; set; }

        public string RequestId { get; } = Guid.NewGuid().ToString("N");

        public long StartTimestamp { get; }
    }
}
