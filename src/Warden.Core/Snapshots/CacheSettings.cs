namespace Warden.Core.Snapshots;

/// <summary>A project's semantic-cache settings.</summary>
/// <param name="Enabled">Whether the cache is on.</param>
/// <param name="Ttl">Time to live of an entry.</param>
/// <param name="SimilarityThreshold">Minimum similarity (0..1) for a semantic hit.</param>
/// <param name="KeyStrategy">What the cache keys on.</param>
public sealed record CacheSettings(bool Enabled, TimeSpan Ttl, double SimilarityThreshold, CacheKeyKind KeyStrategy);
