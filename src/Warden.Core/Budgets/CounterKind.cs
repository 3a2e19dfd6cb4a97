namespace Warden.Core.Budgets;

/// <summary>What a shared counter measures.</summary>
public enum CounterKind
{
    /// <summary>Monthly spend in nano-USD (calendar month, UTC).</summary>
    BudgetUsd,

    /// <summary>Tokens in the current one-minute window.</summary>
    TokensPerMinute,

    /// <summary>Requests in the current one-minute window.</summary>
    RequestsPerMinute,

    /// <summary>Requests in flight.</summary>
    Concurrency,
}
