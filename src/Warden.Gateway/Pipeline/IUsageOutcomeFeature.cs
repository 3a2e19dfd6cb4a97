using Warden.Core.Snapshots;
using Warden.Core.Usage;

namespace Warden.Gateway.Pipeline;

/// <summary>The usage the provider stage ended with, for the gates that settle after it (budget, limits).</summary>
public interface IUsageOutcomeFeature
{
    /// <summary>Tokens consumed by the request's successful attempt, or null when nothing was consumed.</summary>
    TokenUsage? Usage { get; }

    /// <summary>The target whose attempt produced <see cref="Usage"/> (its price applies).</summary>
    RouteTargetEntry? Target { get; }
}
