using System.Collections.Immutable;

namespace Warden.Core.Budgets;

/// <summary>
/// Every counter one request is checked against, with the worst case it reserves on each. An empty plan means no
/// budget or limit applies.
/// </summary>
/// <param name="Charges">One charge per counter, widest scope first; keys are distinct.</param>
/// <param name="ReservedTokens">Worst-case tokens (estimated prompt plus output allowance).</param>
/// <param name="ReservedUsd">Worst-case cost at the most expensive target of the route.</param>
public sealed record AdmissionPlan(ImmutableArray<CounterCharge> Charges, long ReservedTokens, decimal ReservedUsd)
{
    /// <summary>Nothing applies.</summary>
    public static AdmissionPlan Empty { get; } = new([], 0, 0m);

    /// <summary>True when at least one budget applies.</summary>
    public bool HasBudget => Charges.Any(c => c.IsBudget);

    /// <summary>True when at least one limit applies.</summary>
    public bool HasLimit => Charges.Any(c => !c.IsBudget);

    /// <summary>
    /// What each counter keeps once the request is over: the actual cost on budgets, the actual tokens on token
    /// limits, the request itself on request limits (a failed request still was one), nothing on concurrency.
    /// </summary>
    public long[] Actuals(decimal actualUsd, long actualTokens)
    {
        var actuals = new long[Charges.Length];
        for (var i = 0; i < actuals.Length; i++)
        {
            actuals[i] = Charges[i].Kind switch
            {
                CounterKind.BudgetUsd => UsdUnits.ToNano(actualUsd),
                CounterKind.TokensPerMinute => Math.Max(0, actualTokens),
                CounterKind.RequestsPerMinute => 1,
                _ => 0,
            };
        }

        return actuals;
    }
}
