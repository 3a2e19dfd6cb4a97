using Warden.Core.Snapshots;

namespace Warden.Gateway.Forwarding;

/// <summary>Orders a route's targets for one request according to its strategy.</summary>
public static class TargetPlanner
{
    /// <summary>
    /// <c>single</c>: the first target only. <c>fallback</c>: all targets in order. <c>weighted</c>: one target drawn by
    /// weight first, then the others in their configured order as fallbacks.
    /// </summary>
    public static RouteTargetEntry[] Plan(RouteEntry route, Random random)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(random);
        var targets = route.Targets;
        if (targets.IsDefaultOrEmpty)
        {
            return [];
        }

        switch (route.Strategy)
        {
            case RouteStrategyKind.Single:
                return [targets[0]];
            case RouteStrategyKind.Weighted when targets.Length > 1:
                var total = 0L;
                foreach (var target in targets)
                {
                    total += Math.Max(0, target.Weight);
                }

                var first = 0;
                if (total > 0)
                {
                    var pick = random.NextInt64(total);
                    for (var i = 0; i < targets.Length; i++)
                    {
                        pick -= Math.Max(0, targets[i].Weight);
                        if (pick < 0)
                        {
                            first = i;
                            break;
                        }
                    }
                }

                var plan = new RouteTargetEntry[targets.Length];
                plan[0] = targets[first];
                for (int i = 0, j = 1; i < targets.Length; i++)
                {
                    if (i != first)
                    {
                        plan[j++] = targets[i];
                    }
                }

                return plan;
            default:
                return [.. targets];
        }
    }
}
