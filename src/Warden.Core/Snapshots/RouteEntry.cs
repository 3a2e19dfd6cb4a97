using System.Collections.Immutable;

namespace Warden.Core.Snapshots;

/// <summary>A logical model of a project and how it maps onto upstream targets.</summary>
/// <param name="LogicalModel">The name clients send in <c>model</c>.</param>
/// <param name="Strategy">Target selection.</param>
/// <param name="Targets">Targets in priority order.</param>
/// <param name="MaxAttemptsPerTarget">Attempts on one target before moving on (≥ 1).</param>
/// <param name="RetryBackoff">Base delay between attempts on the same target (jittered, doubled per attempt).</param>
public sealed record RouteEntry(
    string LogicalModel,
    RouteStrategyKind Strategy,
    ImmutableArray<RouteTargetEntry> Targets,
    int MaxAttemptsPerTarget,
    TimeSpan RetryBackoff);
