namespace Warden.Core.Budgets;

/// <summary>
/// Budget counters count whole nano-USD (10⁻⁹ USD) so the store adds integers; $9 million fits exactly in the 53 bits
/// a Redis script's numbers carry. Conversions round up, so a reservation never undercounts.
/// </summary>
public static class UsdUnits
{
    /// <summary>Nano-USD per USD.</summary>
    public const decimal PerUsd = 1_000_000_000m;

    /// <summary>USD → nano-USD, rounded up.</summary>
    public static long ToNano(decimal usd) => usd <= 0 ? 0 : (long)decimal.Ceiling(usd * PerUsd);

    /// <summary>Nano-USD → USD.</summary>
    public static decimal FromNano(long nano) => nano / PerUsd;
}
