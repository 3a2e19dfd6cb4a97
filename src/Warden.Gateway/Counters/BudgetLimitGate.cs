using System.Globalization;
using Microsoft.Extensions.Logging;
using Warden.Core.Budgets;
using Warden.Core.Diagnostics;
using Warden.Core.Errors;
using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Gateway.Gates;
using Warden.Gateway.Pipeline;
using Warden.Providers.Abstractions;

namespace Warden.Gateway.Counters;

/// <summary>
/// Gate 4 on a shared <see cref="ICounterStore"/>: plans the request's charges on every applicable scope (organization,
/// project, each group, consumer), reserves them all at once, seeds absent budget counters from the ledger, and answers
/// 429 <c>budget_exceeded</c> / <c>rate_limit_exceeded</c> naming the scope, with <c>Retry-After</c>. When the store or
/// the ledger cannot be reached, the configured fail modes decide.
/// </summary>
public sealed partial class BudgetLimitGate : IBudgetGate
{
    private static readonly TimeSpan s_logEvery = TimeSpan.FromSeconds(10);
    private readonly ICounterStore _store;
    private readonly ISpendSource _ledger;
    private readonly GatewayOptions _options;
    private readonly CounterMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<BudgetLimitGate> _logger;
    private readonly TimeSpan _holdFor;
    private long _lastUnavailableLog = long.MinValue;
    private EpochPrefix _prefix;

    public BudgetLimitGate(ICounterStore store, ISpendSource ledger, GatewayOptions options, CounterMetrics metrics, TimeProvider time, ILogger<BudgetLimitGate> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _ledger = ledger;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _holdFor = TimeSpan.FromSeconds(options.Counters.ReservationTtlSeconds);
        _prefix = new EpochPrefix("", options.Counters.KeyPrefix);
    }

    /// <inheritdoc />
    public async ValueTask<(GateDecision Decision, IBudgetReservation? Reservation)> ReserveAsync(IGatewayRequestFeature request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Key is not { } key || request.Route is not { } route || request.Facts is not { } facts)
        {
            return (GateDecision.Pass, null);
        }

        var now = _time.GetUtcNow();
        var plan = AdmissionPlanner.Plan(key.Consumer, route, request.Snapshot.Prices,
            // Embeddings produce no output tokens: nothing to reserve beyond the input.
            new AdmissionInput(facts.Model, facts.PromptTextBytes, request.Operation.Operation == OperationKind.Embeddings ? 0 : facts.MaxTokens, facts.N), now,
            _options.Budgets.DefaultOutputTokens, KeyPrefixFor(request.Snapshot.CounterEpoch));
        if (plan.Charges.IsEmpty)
        {
            return (GateDecision.Pass, null);
        }

        // One id per admission attempt: the store's idempotency key for settle.
        var reservationId = Guid.CreateVersion7(now).ToString("N");
        try
        {
            // At most two rounds: the second follows a seed (a third would mean the counters vanished again at once).
            for (var round = 0; round < 3; round++)
            {
                var result = await _store.ReserveAsync(reservationId, plan.Charges, now, _holdFor, cancellationToken);
                switch (result.Status)
                {
                    case ReserveStatus.Reserved:
                        return (GateDecision.Pass, new Reservation(this, request, plan, reservationId));
                    case ReserveStatus.Refused:
                        return (Refuse(plan.Charges[result.RefusedIndex], now), null);
                    default:
                        await SeedAsync(plan, result.Unseeded!, now, cancellationToken);
                        break;
                }
            }

            throw new CounterStoreUnavailableException("Budget counters vanished again right after seeding.");
        }
        catch (CounterStoreUnavailableException ex)
        {
            return (Unavailable(plan, ex), null);
        }
    }

    // The counter epoch of the request's own snapshot goes into every key: a request admitted under the old epoch
    // settles on the old counters, whatever snapshot is in force by then. The prefix string is cached per epoch.
    private string KeyPrefixFor(string epoch)
    {
        var cached = Volatile.Read(ref _prefix);
        if (cached.Epoch == epoch)
        {
            return cached.Prefix;
        }

        cached = new EpochPrefix(epoch, CounterEpochs.KeyPrefix(_options.Counters.KeyPrefix, epoch));
        Volatile.Write(ref _prefix, cached);
        return cached.Prefix;
    }

    private sealed record EpochPrefix(string Epoch, string Prefix);

    private async Task SeedAsync(AdmissionPlan plan, int[] unseeded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var scopes = new ScopeRef[unseeded.Length];
        for (var i = 0; i < unseeded.Length; i++)
        {
            var charge = plan.Charges[unseeded[i]];
            scopes[i] = new ScopeRef(charge.Scope, charge.ScopeId);
        }

        IReadOnlyList<ScopeSpend> spend;
        try
        {
            spend = await _ledger.GetMonthToDateAsync(BudgetPeriods.MonthStart(now), scopes, cancellationToken);
        }
        catch (CounterStoreUnavailableException ex)
        {
            LogSeedFailed(_logger, ex.Message);
            throw;
        }

        var seeds = new CounterSeed[unseeded.Length];
        for (var i = 0; i < unseeded.Length; i++)
        {
            var charge = plan.Charges[unseeded[i]];
            var usd = 0m;
            foreach (var entry in spend)
            {
                if (entry.Scope == scopes[i])
                {
                    usd = entry.Usd;
                    break;
                }
            }

            seeds[i] = new CounterSeed(charge.Key, UsdUnits.ToNano(usd), charge.PeriodEnd!.Value.AddMinutes(10));
            LogSeeded(_logger, charge.ScopeName, usd);
        }

        await _store.SeedAsync(seeds, cancellationToken);
        _metrics.Seeded(seeds.Length);
    }

    private GateDecision Refuse(CounterCharge charge, DateTimeOffset now)
    {
        var retryAfter = BudgetPeriods.RetryAfter(charge, now);
        _metrics.Rejected(charge.Kind.ToString(), AdmissionPlanner.ScopeLabel(charge.Scope));
        if (charge.IsBudget)
        {
            LogBudgetRefused(_logger, charge.ScopeName);
            return new GateDecision(GatewayError.BudgetExceeded, string.Create(CultureInfo.InvariantCulture,
                $"The monthly budget of {charge.ScopeName} (${UsdUnits.FromNano(charge.Limit):0.########}) is exhausted; it resets at {BudgetPeriods.MonthEnd(now):yyyy-MM-dd}T00:00:00Z."),
                null, retryAfter);
        }

        var what = charge.Kind switch
        {
            CounterKind.TokensPerMinute => string.Create(CultureInfo.InvariantCulture, $"{charge.Limit} tokens per minute"),
            CounterKind.RequestsPerMinute => string.Create(CultureInfo.InvariantCulture, $"{charge.Limit} requests per minute"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{charge.Limit} concurrent requests"),
        };
        var window = charge.Kind == CounterKind.Concurrency ? "concurrency" : "1m";
        return new GateDecision(GatewayError.RateLimitExceeded,
            $"Rate limit of {charge.ScopeName} reached: {what} (window: {window}).", null, retryAfter);
    }

    private GateDecision Unavailable(AdmissionPlan plan, CounterStoreUnavailableException ex)
    {
        var closed = (plan.HasBudget && _options.Budgets.FailMode == FailMode.Closed)
            || (plan.HasLimit && _options.Limits.FailMode == FailMode.Closed);
        var decision = closed ? "fail_closed" : "fail_open";
        _metrics.Unavailable(decision);
        var nowTicks = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastUnavailableLog);
        if ((last == long.MinValue || _time.GetElapsedTime(last, nowTicks) >= s_logEvery)
            && Interlocked.CompareExchange(ref _lastUnavailableLog, nowTicks, last) == last)
        {
            LogUnavailable(_logger, decision, ex.Message);
        }

        return closed
            ? new GateDecision(GatewayError.CountersUnavailable,
                "Budgets and limits cannot be checked right now (counter store or ledger unreachable); the request was refused rather than risk overspending.",
                null, TimeSpan.FromSeconds(5))
            : GateDecision.Pass;
    }

    private async ValueTask SettleAsync(Reservation reservation, TokenUsage? usage, RouteTargetEntry? servedBy)
    {
        var request = reservation.Request;
        var cost = 0m;
        if (usage is { } tokens)
        {
            cost = servedBy is not null
                ? request.Snapshot.Prices.Cost(servedBy.UpstreamModel, request.Facts!.Model, tokens) ?? 0m
                : AdmissionPlanner.WorstCaseUsd(request.Route!, request.Snapshot.Prices, request.Facts!.Model, tokens);
        }

        var actuals = reservation.Plan.Actuals(cost, usage?.TotalTokens ?? 0);
        try
        {
            await _store.SettleAsync(reservation.Id, reservation.Plan.Charges, actuals, _time.GetUtcNow(), CancellationToken.None);
        }
        catch (CounterStoreUnavailableException ex)
        {
            // The reservation expires by itself; the spend is in the ledger and counted again at the next re-seed.
            LogSettleFailed(_logger, request.RequestId, ex.Message);
        }
    }

    [LoggerMessage(EventId = WardenEventIds.CountersUnavailable, Level = LogLevel.Warning,
        Message = "Budgets/limits could not be checked ({Decision}; repeats within 10 s are not logged): {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string decision, string reason);

    [LoggerMessage(EventId = WardenEventIds.CountersSeeded, Level = LogLevel.Information,
        Message = "Budget counter of {Scope} seeded from the ledger: {SpendUsd} USD month to date")]
    private static partial void LogSeeded(ILogger logger, string scope, decimal spendUsd);

    [LoggerMessage(EventId = WardenEventIds.CountersSeedFailed, Level = LogLevel.Warning,
        Message = "Budget counters could not be seeded from the ledger: {Reason}")]
    private static partial void LogSeedFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = WardenEventIds.CountersSettleFailed, Level = LogLevel.Warning,
        Message = "Request {RequestId}: settling its reservation failed ({Reason}); the reservation expires by itself")]
    private static partial void LogSettleFailed(ILogger logger, string requestId, string reason);

    [LoggerMessage(EventId = WardenEventIds.BudgetRefused, Level = LogLevel.Information,
        Message = "Request refused: the monthly budget of {Scope} is exhausted")]
    private static partial void LogBudgetRefused(ILogger logger, string scope);

    private sealed class Reservation : IBudgetReservation
    {
        private readonly BudgetLimitGate _gate;
        private int _settled;

        public Reservation(BudgetLimitGate gate, IGatewayRequestFeature request, AdmissionPlan plan, string id)
        {
            _gate = gate;
            Request = request;
            Plan = plan;
            Id = id;
        }

        public IGatewayRequestFeature Request { get; }

        public AdmissionPlan Plan { get; }

        public string Id { get; }

        public ValueTask SettleAsync(TokenUsage? actualUsage, RouteTargetEntry? servedBy, CancellationToken cancellationToken) =>
            Interlocked.Exchange(ref _settled, 1) == 0 ? _gate.SettleAsync(this, actualUsage, servedBy) : ValueTask.CompletedTask;
    }
}
