namespace Warden.Core.Snapshots.Wire;

/// <summary>A project's semantic-cache settings on the wire.</summary>
public sealed class CacheWire
{
    public bool Enabled { get; set; }
    public int TtlSeconds { get; set; }
    public double SimilarityThreshold { get; set; }
    public CacheKeyKind KeyStrategy { get; set; }
}
