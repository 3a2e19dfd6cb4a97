namespace Warden.Core.Budgets;

/// <summary>Month-to-date spend of one scope.</summary>
/// <param name="Scope">The scope.</param>
/// <param name="Usd">Exact sum of the ledger's costs.</param>
public readonly record struct ScopeSpend(ScopeRef Scope, decimal Usd);
