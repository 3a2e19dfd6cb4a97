namespace Warden.Storage.Entities;

/// <summary>
/// A tenant. Its <see cref="Slug"/> is stable and immutable: saving a changed slug throws.
/// Monthly budget and TPM limit are <see cref="Budget"/>/<see cref="Limit"/> rows with scope <see cref="ScopeKind.Org"/>.
/// Deleting an organization deletes its projects, groups, memberships, budgets and limits.
/// </summary>
public sealed class Organization
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>DNS-safe identifier used in URLs and consumer names; unique; immutable.</summary>
    public required string Slug { get; set; }

    /// <summary>Display name.</summary>
    public required string Name { get; set; }

    /// <summary>When the organization was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the organization was last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Projects of the organization.</summary>
    public ICollection<Project> Projects { get; } = [];

    /// <summary>Groups of the organization.</summary>
    public ICollection<Group> Groups { get; } = [];

    /// <summary>Members of the organization.</summary>
    public ICollection<Membership> Memberships { get; } = [];
}
