namespace Warden.Core.Snapshots.Wire;

/// <summary>A group on the wire.</summary>
public sealed class GroupWire
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public List<string>? AllowedModels { get; set; }
    public BudgetWire? Budget { get; set; }
    public LimitWire? Limit { get; set; }
}
