namespace Warden.Core.Snapshots.Wire;

/// <summary>An API key on the wire: public id and secret hash only.</summary>
public sealed class KeyWire
{
    public Guid Id { get; set; }
    public string PublicId { get; set; } = "";
    public byte[] SecretHash { get; set; } = [];
    public Guid ConsumerId { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
