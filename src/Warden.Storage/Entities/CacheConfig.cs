namespace Warden.Storage.Entities;

/// <summary>A project's semantic-cache settings (1:1 with the project, keyed by <see cref="ProjectId"/>).</summary>
public sealed class CacheConfig
{
    /// <summary>The project (primary key and foreign key).</summary>
    public required Guid ProjectId { get; set; }

    /// <summary>Whether the cache is on.</summary>
    public bool Enabled { get; set; }

    /// <summary>Time to live of an entry in seconds.</summary>
    public int TtlSeconds { get; set; }

    /// <summary>Minimum similarity (0..1) for a semantic hit.</summary>
    public double SimilarityThreshold { get; set; }

    /// <summary>What the cache keys on.</summary>
    public CacheKeyStrategy KeyStrategy { get; set; }

    /// <summary>When the settings were last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Navigation to the project.</summary>
    public Project Project { get; set; } = null!;
}
