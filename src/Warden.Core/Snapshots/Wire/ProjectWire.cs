namespace Warden.Core.Snapshots.Wire;

/// <summary>A project on the wire with everything it owns that its traffic needs.</summary>
public sealed class ProjectWire
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string OrganizationSlug { get; set; } = "";
    public string Slug { get; set; } = "";
    public List<ProviderWire> Providers { get; set; } = [];
    public List<RouteWire> Routes { get; set; } = [];

    /// <summary>Budgets at organization, project and consumer scope (group budgets travel with the group).</summary>
    public List<BudgetWire> Budgets { get; set; } = [];

    /// <summary>Limits at organization, project and consumer scope (group limits travel with the group).</summary>
    public List<LimitWire> Limits { get; set; } = [];

    public GuardrailWire? Guardrails { get; set; }
    public CacheWire? Cache { get; set; }
    public SemanticGuardWire? SemanticGuard { get; set; }
    public List<McpServerWire> McpServers { get; set; } = [];

    /// <summary>Groups assigned to the project.</summary>
    public List<Guid> GroupIds { get; set; } = [];
}
