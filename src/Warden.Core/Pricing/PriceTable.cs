using System.Collections.Frozen;
using Warden.Core.Usage;

namespace Warden.Core.Pricing;

/// <summary>
/// Prices keyed by upstream model id or logical model name (case-insensitive). The cost of a request is
/// Σ tokens × rate / 1,000,000 in <see cref="decimal"/>: uncached prompt tokens at the input rate, cache reads and
/// cache writes at their own rates, completion tokens at the output rate.
/// </summary>
public sealed class PriceTable
{
    private const decimal Million = 1_000_000m;
    private readonly FrozenDictionary<string, ModelPrice> _prices;

    public PriceTable(IEnumerable<KeyValuePair<string, ModelPrice>> prices)
    {
        _prices = prices.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The shipped defaults only.</summary>
    public static PriceTable Default { get; } = new(DefaultPrices.All);

    /// <summary>Number of priced models.</summary>
    public int Count => _prices.Count;

    /// <summary>All entries, for the wire form and the admin API.</summary>
    public IReadOnlyDictionary<string, ModelPrice> Entries => _prices;

    /// <summary>
    /// Defaults overlaid with <paramref name="overrides"/> (platform entries from the database win over the shipped
    /// ones for the same model).
    /// </summary>
    public static PriceTable WithOverrides(IEnumerable<KeyValuePair<string, ModelPrice>> overrides)
    {
        var merged = new Dictionary<string, ModelPrice>(DefaultPrices.All, StringComparer.OrdinalIgnoreCase);
        foreach (var (model, price) in overrides)
        {
            merged[model] = price;
        }

        return new PriceTable(merged);
    }

    /// <summary>
    /// The price of a call, first match wins: the upstream model id exactly (what was actually served), the upstream id
    /// without its snapshot suffix (<c>gpt-4o-2024-08-06</c> → <c>gpt-4o</c>, <c>claude-3-5-haiku-20241022</c> →
    /// <c>claude-3-5-haiku</c>, <c>claude-3-5-haiku-latest</c> → <c>claude-3-5-haiku</c>), then the logical model name
    /// the same two ways (for deployments whose upstream id means nothing to a price list, e.g. an Azure deployment
    /// name or a self-hosted model). Matching ignores case.
    /// </summary>
    public ModelPrice? Find(string? upstreamModel, string? logicalModel) =>
        FindOne(upstreamModel) ?? FindOne(logicalModel);

    private ModelPrice? FindOne(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return null;
        }

        if (_prices.TryGetValue(model, out var price))
        {
            return price;
        }

        var trimmed = TrimVersionSuffix(model);
        return !ReferenceEquals(trimmed, model) && _prices.TryGetValue(trimmed, out price) ? price : null;
    }

    /// <summary>The cost in USD of <paramref name="usage"/> at <paramref name="price"/>.</summary>
    public static decimal Cost(ModelPrice price, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(price);
        var uncachedInput = Math.Max(0, usage.InputTokens - usage.CacheReadTokens - usage.CacheWriteTokens);
        return ((uncachedInput * price.InputPerMillion)
            + (usage.CacheReadTokens * price.CacheReadPerMillion)
            + (usage.CacheWriteTokens * price.CacheWritePerMillion)
            + (usage.OutputTokens * price.OutputPerMillion)) / Million;
    }

    /// <summary>The cost of a call, or null when neither model has a price (the event is then marked unpriced).</summary>
    public decimal? Cost(string? upstreamModel, string? logicalModel, TokenUsage usage) =>
        Find(upstreamModel, logicalModel) is { } price ? Cost(price, usage) : null;

    // "gpt-4o-2024-08-06" → "gpt-4o", "claude-3-5-haiku-20241022" → "claude-3-5-haiku", "…-latest" → "…";
    // anything else is returned unchanged (the same instance).
    private static string TrimVersionSuffix(string model)
    {
        if (model.EndsWith("-latest", StringComparison.OrdinalIgnoreCase) && model.Length > "-latest".Length)
        {
            return model[..^"-latest".Length];
        }

        var dash = model.LastIndexOf('-');
        if (dash <= 0)
        {
            return model;
        }

        var tail = model.AsSpan(dash + 1);
        if (tail.Length == 8 && IsDigits(tail))
        {
            return model[..dash];
        }

        // yyyy-MM-dd
        if (model.Length > 11 && model[^3] == '-' && model[^6] == '-' && model[^11] == '-'
            && IsDigits(model.AsSpan(model.Length - 10, 4)) && IsDigits(model.AsSpan(model.Length - 5, 2)) && IsDigits(model.AsSpan(model.Length - 2, 2)))
        {
            return model[..^11];
        }

        return model;
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');
}
