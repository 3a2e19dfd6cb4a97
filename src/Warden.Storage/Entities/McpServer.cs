namespace Warden.Storage.Entities;

/// <summary>An MCP backend proxied at <c>/mcp/{org}.{project}/{name}</c>; name unique per project.</summary>
public sealed class McpServer
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Owning project.</summary>
    public required Guid ProjectId { get; set; }

    /// <summary>URL segment, unique within the project.</summary>
    public required string Name { get; set; }

    /// <summary>The backend's streamable-HTTP endpoint.</summary>
    public required string BackendUrl { get; set; }

    /// <summary>Request timeout in milliseconds.</summary>
    public int TimeoutMs { get; set; }

    /// <summary>Where the upstream credential lives (e.g. <c>env:GITHUB_TOKEN</c>); never a secret value.</summary>
    public string? CredentialReference { get; set; }

    /// <summary>Whether the server is exposed.</summary>
    public bool Enabled { get; set; }

    /// <summary>When the server was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the server was last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Navigation to the project.</summary>
    public Project Project { get; set; } = null!;
}
