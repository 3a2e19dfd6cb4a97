namespace Warden.Storage.Entities;

/// <summary>
/// A workspace inside an organization; slug unique per organization. Deleting it deletes its configuration
/// (providers, routes, guardrail/cache/semantic-guard settings, MCP servers, budgets, limits), consumers and keys.
/// </summary>
public sealed class Project
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Owning organization.</summary>
    public required Guid OrganizationId { get; set; }

    /// <summary>Identifier unique within the organization.</summary>
    public required string Slug { get; set; }

    /// <summary>Display name.</summary>
    public required string Name { get; set; }

    /// <summary>Free-text description.</summary>
    public string? Description { get; set; }

    /// <summary>When the project was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the project was last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Navigation to the organization.</summary>
    public Organization Organization { get; set; } = null!;

    /// <summary>Consumers of the project.</summary>
    public ICollection<Consumer> Consumers { get; } = [];

    /// <summary>Upstream providers of the project.</summary>
    public ICollection<Provider> Providers { get; } = [];

    /// <summary>Logical-model routes of the project.</summary>
    public ICollection<Route> Routes { get; } = [];

    /// <summary>MCP servers of the project.</summary>
    public ICollection<McpServer> McpServers { get; } = [];

    /// <summary>Groups assigned to the project.</summary>
    public ICollection<ProjectGroup> Groups { get; } = [];

    /// <summary>Guardrail settings (absent = defaults).</summary>
    public GuardrailConfig? GuardrailConfig { get; set; }

    /// <summary>Semantic cache settings (absent = disabled).</summary>
    public CacheConfig? CacheConfig { get; set; }

    /// <summary>Semantic guard settings (absent = disabled).</summary>
    public SemanticGuardConfig? SemanticGuardConfig { get; set; }
}
