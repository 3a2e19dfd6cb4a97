namespace Warden.Storage.Entities;

/// <summary>An organization-scoped team, usually mapped from an IdP group claim, assigned to projects.</summary>
public sealed class Group
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Owning organization.</summary>
    public required Guid OrganizationId { get; set; }

    /// <summary>Identifier unique within the organization.</summary>
    public required string Slug { get; set; }

    /// <summary>Display name.</summary>
    public required string Name { get; set; }

    /// <summary>The IdP group claim value that maps users into this group, if any.</summary>
    public string? IdpGroupClaim { get; set; }

    /// <summary>Logical model names members of this group may use (the model allow-list).</summary>
    public List<string> AllowedModels { get; set; } = [];

    /// <summary>When the group was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the group was last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Navigation to the organization.</summary>
    public Organization Organization { get; set; } = null!;

    /// <summary>Members of the group.</summary>
    public ICollection<GroupMembership> Members { get; } = [];

    /// <summary>Projects the group is assigned to.</summary>
    public ICollection<ProjectGroup> Projects { get; } = [];
}
