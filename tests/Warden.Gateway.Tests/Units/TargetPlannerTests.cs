using System.Collections.Frozen;
using Warden.Core.Snapshots;
using Warden.Gateway.Forwarding;

namespace Warden.Gateway.Tests.Units;

public sealed class TargetPlannerTests
{
    private static readonly ProviderEntry s_provider = new(Guid.NewGuid(), "p", ProviderKind.OpenAi, new Uri("http://127.0.0.1/v1"), FrozenDictionary<string, string>.Empty, null);

    [Fact]
    public void Single_UsesOnlyTheFirstTarget()
    {
        var plan = TargetPlanner.Plan(Route(RouteStrategyKind.Single, ("a", 1), ("b", 1)), new Random(1));

        Assert.Equal(["a"], plan.Select(t => t.UpstreamModel));
    }

    [Fact]
    public void Fallback_KeepsConfiguredOrder()
    {
        var plan = TargetPlanner.Plan(Route(RouteStrategyKind.Fallback, ("a", 1), ("b", 1), ("c", 1)), new Random(1));

        Assert.Equal(["a", "b", "c"], plan.Select(t => t.UpstreamModel));
    }

    [Fact]
    public void Weighted_FirstPickFollowsWeights_AndTheRestRemainAsFallbacks()
    {
        var route = Route(RouteStrategyKind.Weighted, ("a", 1), ("b", 3));
        var random = new Random(12345);
        var firstPicks = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };

        for (var i = 0; i < 4000; i++)
        {
            var plan = TargetPlanner.Plan(route, random);
            Assert.Equal(2, plan.Length);
            Assert.NotEqual(plan[0].UpstreamModel, plan[1].UpstreamModel);
            firstPicks[plan[0].UpstreamModel]++;
        }

        // 1:3 weights: b first about 75 % of the time (deterministic seed; wide bounds).
        Assert.InRange(firstPicks["b"], 2800, 3200);
    }

    [Fact]
    public void Weighted_ZeroWeightTarget_IsNeverFirst()
    {
        var route = Route(RouteStrategyKind.Weighted, ("never", 0), ("always", 5));

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal("always", TargetPlanner.Plan(route, new Random(i))[0].UpstreamModel);
        }
    }

    private static RouteEntry Route(RouteStrategyKind strategy, params (string Model, int Weight)[] targets) => new(
        "logical",
        strategy,
        [.. targets.Select(t => new RouteTargetEntry(s_provider, t.Model, t.Weight, TimeSpan.FromSeconds(1)))],
        1,
        TimeSpan.Zero);
}
