namespace Warden.Core.Snapshots;

/// <summary>How a route picks among its targets.</summary>
public enum RouteStrategyKind
{
    /// <summary>Always the first target.</summary>
#pragma warning disable CA1720 // "single" is the strategy's name in the product and its API.
    Single,
#pragma warning restore CA1720

    /// <summary>Targets in order; the next one on connect error, timeout, 429 or 5xx (before the commit point).</summary>
    Fallback,

    /// <summary>Load balancing by weight; the remaining targets serve as fallbacks.</summary>
    Weighted,
}
