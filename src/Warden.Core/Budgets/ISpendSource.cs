namespace Warden.Core.Budgets;

/// <summary>
/// Month-to-date spend per scope from the usage ledger, to seed budget counters that are absent (cold start, counter
/// store flushed, database restored). The control plane answers it from the database; a standalone gateway asks the
/// control plane over its internal endpoint.
/// </summary>
public interface ISpendSource
{
    /// <summary>
    /// Spend in USD of each of <paramref name="scopes"/> over the calendar month starting at <paramref name="monthStart"/>
    /// (UTC); a scope without records has zero. Throws when the ledger cannot be read.
    /// </summary>
    ValueTask<IReadOnlyList<ScopeSpend>> GetMonthToDateAsync(DateTimeOffset monthStart, IReadOnlyList<ScopeRef> scopes, CancellationToken cancellationToken);
}
