namespace Warden.Core.Snapshots.Wire;

/// <summary>An API key on the wire: public id and secret hash only. Treated as immutable once built.</summary>
public sealed class KeyWire
{
    public Guid Id { get; set; }
    public string PublicId { get; set; } = "";
    public byte[] SecretHash { get; set; } = [];
    public Guid ConsumerId { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>True when <paramref name="other"/> has the same content.</summary>
    public bool SameAs(KeyWire other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Id == other.Id && ConsumerId == other.ConsumerId && string.Equals(PublicId, other.PublicId, StringComparison.Ordinal)
            && ExpiresAt == other.ExpiresAt && RevokedAt == other.RevokedAt && SecretHash.AsSpan().SequenceEqual(other.SecretHash);
    }
}
