namespace Warden.Core.Snapshots.Wire;

/// <summary>A monthly budget on the wire.</summary>
public sealed class BudgetWire
{
    public PolicyScope Scope { get; set; }
    public Guid ScopeId { get; set; }
    public decimal MonthlyUsd { get; set; }
}
