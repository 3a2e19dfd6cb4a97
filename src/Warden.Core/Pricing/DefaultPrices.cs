namespace Warden.Core.Pricing;

/// <summary>
/// The shipped price table for common models: the providers' published list prices in USD per million tokens
/// (standard tier, as listed in October 2025; Anthropic cache writes at the 5-minute rate). Keys are the undated model
/// ids; dated snapshots (<c>gpt-4o-2024-08-06</c>, <c>claude-sonnet-4-20250514</c>) fall back to them (see
/// <see cref="PriceTable.Find"/>). Platform admins override or extend it; manual entries always win. Models missing
/// here are recorded with zero cost and flagged as unpriced.
/// </summary>
public static class DefaultPrices
{
    /// <summary>All default entries.</summary>
    public static IReadOnlyDictionary<string, ModelPrice> All { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        // OpenAI: input, output, cached input; OpenAI bills no separate cache write.
        ["gpt-5"] = new(1.25m, 10.00m, 0.125m, 0m),
        ["gpt-5-mini"] = new(0.25m, 2.00m, 0.025m, 0m),
        ["gpt-5-nano"] = new(0.05m, 0.40m, 0.005m, 0m),
        ["gpt-4o"] = new(2.50m, 10.00m, 1.25m, 0m),
        ["gpt-4o-mini"] = new(0.15m, 0.60m, 0.075m, 0m),
        ["gpt-4.1"] = new(2.00m, 8.00m, 0.50m, 0m),
        ["gpt-4.1-mini"] = new(0.40m, 1.60m, 0.10m, 0m),
        ["gpt-4.1-nano"] = new(0.10m, 0.40m, 0.025m, 0m),
        ["o1"] = new(15.00m, 60.00m, 7.50m, 0m),
        ["o3"] = new(2.00m, 8.00m, 0.50m, 0m),
        ["o3-mini"] = new(1.10m, 4.40m, 0.55m, 0m),
        ["o4-mini"] = new(1.10m, 4.40m, 0.275m, 0m),
        ["text-embedding-3-small"] = new(0.02m, 0m, 0m, 0m),
        ["text-embedding-3-large"] = new(0.13m, 0m, 0m, 0m),
        ["text-embedding-ada-002"] = new(0.10m, 0m, 0m, 0m),

        // Anthropic: input, output, cache hits (read), 5-minute cache writes. Both the alias (…-4-0) and the base of
        // the dated id (claude-sonnet-4-20250514 → claude-sonnet-4) are listed.
        ["claude-opus-4-1"] = new(15.00m, 75.00m, 1.50m, 18.75m),
        ["claude-opus-4-0"] = new(15.00m, 75.00m, 1.50m, 18.75m),
        ["claude-opus-4"] = new(15.00m, 75.00m, 1.50m, 18.75m),
        ["claude-sonnet-4-5"] = new(3.00m, 15.00m, 0.30m, 3.75m),
        ["claude-sonnet-4-0"] = new(3.00m, 15.00m, 0.30m, 3.75m),
        ["claude-sonnet-4"] = new(3.00m, 15.00m, 0.30m, 3.75m),
        ["claude-3-7-sonnet"] = new(3.00m, 15.00m, 0.30m, 3.75m),
        ["claude-haiku-4-5"] = new(1.00m, 5.00m, 0.10m, 1.25m),
        ["claude-3-5-haiku"] = new(0.80m, 4.00m, 0.08m, 1.00m),
        ["claude-3-haiku"] = new(0.25m, 1.25m, 0.03m, 0.30m),
    };
}
