using Warden.Core.Snapshots;

namespace Warden.Core.Budgets;

/// <summary>
/// One counter a request is checked against and reserves on: a scope's monthly budget, or one of its limits in the
/// current window. Amounts are whole units: nano-USD for budgets, tokens, requests.
/// </summary>
/// <param name="Key">The counter's store key; carries the period (<c>yyyy-MM</c> or the minute), so resets need no job.</param>
/// <param name="Kind">What the counter measures.</param>
/// <param name="Scope">Kind of scope.</param>
/// <param name="ScopeId">Id of the organization, project, group or consumer.</param>
/// <param name="ScopeName">Human name of the scope for error messages (<c>consumer acme.payments.svc</c>).</param>
/// <param name="Limit">The cap in the same units.</param>
/// <param name="Amount">The worst case this request reserves.</param>
/// <param name="PeriodEnd">When the counter's period ends (month end, window end); null for concurrency.</param>
public readonly record struct CounterCharge(
    string Key,
    CounterKind Kind,
    PolicyScope Scope,
    Guid ScopeId,
    string ScopeName,
    long Limit,
    long Amount,
    DateTimeOffset? PeriodEnd)
{
    /// <summary>
    /// Whether <paramref name="used"/> (settled plus reserved) leaves room for this charge. Budgets are strict: the
    /// worst case must fit. A token limit also admits a request larger than the whole limit when its window is still
    /// empty, so one oversized request per window is possible rather than none ever (the bound stays "limit plus one
    /// reservation").
    /// </summary>
    public bool Fits(long used) => Kind switch
    {
        CounterKind.TokensPerMinute => used == 0 || used + Amount <= Limit,
        _ => used + Amount <= Limit,
    };

    /// <summary>True for budget counters (seeded from the ledger when absent).</summary>
    public bool IsBudget => Kind == CounterKind.BudgetUsd;
}
