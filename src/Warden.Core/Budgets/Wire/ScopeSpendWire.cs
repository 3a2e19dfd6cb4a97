namespace Warden.Core.Budgets.Wire;

/// <summary>Spend of one scope in <see cref="SpendWire"/>.</summary>
public sealed class ScopeSpendWire
{
    /// <summary><c>org</c>, <c>project</c>, <c>group</c> or <c>consumer</c>.</summary>
    public string Scope { get; set; } = "";

    /// <summary>The scope's id.</summary>
    public Guid Id { get; set; }

    /// <summary>Exact month-to-date cost in USD.</summary>
    public decimal Usd { get; set; }
}
