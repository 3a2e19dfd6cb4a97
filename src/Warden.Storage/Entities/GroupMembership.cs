namespace Warden.Storage.Entities;

/// <summary>A user's membership of a <see cref="Group"/>; unique per (group, user).</summary>
public sealed class GroupMembership
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The group.</summary>
    public required Guid GroupId { get; set; }

    /// <summary>The user.</summary>
    public required Guid UserId { get; set; }

    /// <summary>When the membership was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Navigation to the group.</summary>
    public Group Group { get; set; } = null!;

    /// <summary>Navigation to the user.</summary>
    public User User { get; set; } = null!;
}
