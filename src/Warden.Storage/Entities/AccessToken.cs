namespace Warden.Storage.Entities;

/// <summary>
/// A personal or service token for the admin API. Like API keys, only the SHA-256 of the secret is stored and
/// <see cref="PublicId"/> (unique) finds the row.
/// </summary>
public sealed class AccessToken
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Public part of the token; unique.</summary>
    public required string PublicId { get; set; }

    /// <summary>SHA-256 of the secret part (32 bytes).</summary>
    public required byte[] SecretHash { get; set; }

    /// <summary>Owner of a personal token; null for a service token.</summary>
    public Guid? OwnerUserId { get; set; }

    /// <summary>Organization an org-scoped token is limited to.</summary>
    public Guid? OrganizationId { get; set; }

    /// <summary>Human label.</summary>
    public required string Name { get; set; }

    /// <summary>Highest role the token acts with.</summary>
    public AccessTokenRole Role { get; set; }

    /// <summary>When the token was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Optional expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When the token was revoked.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Last time the token was used.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>Navigation to the owner.</summary>
    public User? OwnerUser { get; set; }
}
