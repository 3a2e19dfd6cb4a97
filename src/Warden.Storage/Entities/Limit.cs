namespace Warden.Storage.Entities;

/// <summary>
/// Rate limits at one scope; unique per (<see cref="Scope"/>, <see cref="ScopeId"/>). Owner columns as in <see cref="Budget"/>.
/// </summary>
public sealed class Limit : IScopedPolicy
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Kind of scope.</summary>
    public ScopeKind Scope { get; set; }

    /// <summary>Id of the organization, project, group or consumer the limit applies to.</summary>
    public required Guid ScopeId { get; set; }

    /// <summary>Organization the scope belongs to (for org scope equal to <see cref="ScopeId"/>).</summary>
    public required Guid OrganizationId { get; set; }

    /// <summary>Project the scope belongs to: set for project and consumer scopes, null otherwise.</summary>
    public Guid? ProjectId { get; set; }

    /// <summary>Tokens per minute (required).</summary>
    public long TokensPerMinute { get; set; }

    /// <summary>Requests per minute, if limited.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Maximum concurrent requests, if limited.</summary>
    public int? MaxConcurrent { get; set; }

    /// <summary>When the limit was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the limit was last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
