namespace Warden.Storage.Entities;

/// <summary>
/// Platform-wide price of a model in USD per 1M tokens, keyed by upstream model id or logical name (unique).
/// A manual row replaces a synced/default row for the same key.
/// </summary>
public sealed class Price
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Upstream model id or logical model name; unique.</summary>
    public required string Model { get; set; }

    /// <summary>USD per 1M input tokens.</summary>
    public decimal InputUsdPerMillion { get; set; }

    /// <summary>USD per 1M output tokens.</summary>
    public decimal OutputUsdPerMillion { get; set; }

    /// <summary>USD per 1M cache-read tokens.</summary>
    public decimal CacheReadUsdPerMillion { get; set; }

    /// <summary>USD per 1M cache-write tokens.</summary>
    public decimal CacheWriteUsdPerMillion { get; set; }

    /// <summary>Origin of the row.</summary>
    public PriceSource Source { get; set; }

    /// <summary>When the row was last written.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
