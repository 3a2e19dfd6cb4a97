namespace Warden.Storage.Entities;

/// <summary>
/// A gateway API key <c>wdn_&lt;public-id&gt;_&lt;secret&gt;</c>. Only the SHA-256 of the secret is stored;
/// <see cref="PublicId"/> (unique) finds the row, <see cref="Prefix"/> is for display.
/// </summary>
public sealed class ApiKey
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Owning consumer.</summary>
    public required Guid ConsumerId { get; set; }

    /// <summary>The <c>&lt;public-id&gt;</c> part of the key; unique; immutable.</summary>
    public required string PublicId { get; set; }

    /// <summary>SHA-256 of the secret part (32 bytes); immutable.</summary>
    public required byte[] SecretHash { get; set; }

    /// <summary>A non-secret display prefix, e.g. <c>wdn_ab12cd…</c>.</summary>
    public required string Prefix { get; set; }

    /// <summary>Optional human label.</summary>
    public string? Name { get; set; }

    /// <summary>When the key was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Optional expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When the key was revoked; null while active.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Last time the key authenticated a request (updated in batches, not per request).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>Navigation to the consumer.</summary>
    public Consumer Consumer { get; set; } = null!;
}
