using System.Diagnostics.Metrics;

namespace Warden.Gateway.Counters;

/// <summary>Metrics of budget and limit enforcement (meter <c>Warden.Gateway.Counters</c>).</summary>
public sealed class CounterMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Warden.Gateway.Counters";

    private readonly Counter<long> _rejections;
    private readonly Counter<long> _unavailable;
    private readonly Counter<long> _seeds;

    public CounterMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _rejections = meter.CreateCounter<long>("warden.gateway.limit.rejections", "{request}",
            "Requests refused by a budget or limit, by counter kind and scope kind.");
        _unavailable = meter.CreateCounter<long>("warden.gateway.counters.unavailable", "{request}",
            "Requests whose budgets or limits could not be checked, by decision (fail_open, fail_closed).");
        _seeds = meter.CreateCounter<long>("warden.gateway.budget.seeds", "{counter}",
            "Budget counters seeded from month-to-date ledger spend.");
    }

    /// <summary>A request was refused by a counter.</summary>
    public void Rejected(string kind, string scope) =>
        _rejections.Add(1, new KeyValuePair<string, object?>("warden.counter.kind", kind), new KeyValuePair<string, object?>("warden.scope", scope));

    /// <summary>A request met an unreachable counter store or ledger; <paramref name="decision"/> is <c>fail_open</c> or <c>fail_closed</c>.</summary>
    public void Unavailable(string decision) => _unavailable.Add(1, new KeyValuePair<string, object?>("warden.decision", decision));

    /// <summary>Budget counters were seeded.</summary>
    public void Seeded(int count) => _seeds.Add(count);
}
