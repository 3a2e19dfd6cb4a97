namespace Warden.Core.Budgets.Wire;

/// <summary>The answer of <c>GET /internal/spend</c>: month-to-date spend per requested scope.</summary>
public sealed class SpendWire
{
    /// <summary>The month, <c>yyyy-MM</c> (UTC).</summary>
    public string Month { get; set; } = "";

    /// <summary>One entry per requested scope (zero when the ledger has nothing for it).</summary>
    public List<ScopeSpendWire> Scopes { get; set; } = [];
}
