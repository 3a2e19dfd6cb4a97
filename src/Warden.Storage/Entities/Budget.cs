namespace Warden.Storage.Entities;

/// <summary>
/// A monthly USD cap (calendar month, UTC) at one scope; unique per (<see cref="Scope"/>, <see cref="ScopeId"/>).
/// <see cref="OrganizationId"/> and, for project and consumer scopes, <see cref="ProjectId"/> tie the row to its
/// owners so deleting the organization or project deletes it.
/// </summary>
public sealed class Budget : IScopedPolicy
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Kind of scope.</summary>
    public ScopeKind Scope { get; set; }

    /// <summary>Id of the organization, project, group or consumer the cap applies to.</summary>
    public required Guid ScopeId { get; set; }

    /// <summary>Organization the scope belongs to (for org scope equal to <see cref="ScopeId"/>).</summary>
    public required Guid OrganizationId { get; set; }

    /// <summary>Project the scope belongs to: set for project and consumer scopes, null otherwise.</summary>
    public Guid? ProjectId { get; set; }

    /// <summary>Cap in USD per calendar month.</summary>
    public decimal MonthlyUsd { get; set; }

    /// <summary>When the budget was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the budget was last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
