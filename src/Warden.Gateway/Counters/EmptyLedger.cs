using Warden.Core.Budgets;

namespace Warden.Gateway.Counters;

/// <summary>
/// The spend source of a gateway that has no ledger behind it (an embedded gateway without a control plane, as in
/// the gateway's own tests): every scope starts the month at zero.
/// </summary>
public sealed class EmptyLedger : ISpendSource
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ScopeSpend>> GetMonthToDateAsync(DateTimeOffset monthStart, IReadOnlyList<ScopeRef> scopes, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ScopeSpend>>([]);
}
