namespace Warden.Storage.Entities;

/// <summary>
/// A global platform-admin grant: an IdP admin group, or an email on the break-glass allow-list.
/// Unique per (<see cref="Kind"/>, <see cref="Value"/>); email values are stored normalized (<see cref="User.NormalizeEmail"/>).
/// </summary>
public sealed class PlatformAdminGrant
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>What <see cref="Value"/> is.</summary>
    public PlatformAdminGrantKind Kind { get; set; }

    /// <summary>The normalized email or the IdP group claim value.</summary>
    public required string Value { get; set; }

    /// <summary>True for break-glass entries that must work even when the IdP is down.</summary>
    public bool IsBreakGlass { get; set; }

    /// <summary>When the grant was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
