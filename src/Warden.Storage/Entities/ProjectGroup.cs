namespace Warden.Storage.Entities;

/// <summary>Assignment of a <see cref="Group"/> to a <see cref="Project"/>; unique per (project, group).</summary>
public sealed class ProjectGroup
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The project.</summary>
    public required Guid ProjectId { get; set; }

    /// <summary>The group (of the same organization).</summary>
    public required Guid GroupId { get; set; }

    /// <summary>When the assignment was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Navigation to the project.</summary>
    public Project Project { get; set; } = null!;

    /// <summary>Navigation to the group.</summary>
    public Group Group { get; set; } = null!;
}
