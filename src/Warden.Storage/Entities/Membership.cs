namespace Warden.Storage.Entities;

/// <summary>A user's role in an organization; unique per (user, organization).</summary>
public sealed class Membership
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The user.</summary>
    public required Guid UserId { get; set; }

    /// <summary>The organization.</summary>
    public required Guid OrganizationId { get; set; }

    /// <summary>The role held.</summary>
    public MembershipRole Role { get; set; }

    /// <summary>When the membership was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Navigation to the user.</summary>
    public User User { get; set; } = null!;

    /// <summary>Navigation to the organization.</summary>
    public Organization Organization { get; set; } = null!;
}
