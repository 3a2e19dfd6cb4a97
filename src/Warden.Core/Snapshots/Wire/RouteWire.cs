namespace Warden.Core.Snapshots.Wire;

/// <summary>A route on the wire.</summary>
public sealed class RouteWire
{
    public string LogicalModel { get; set; } = "";
    public RouteStrategyKind Strategy { get; set; }
    public int MaxAttemptsPerTarget { get; set; } = 1;
    public int RetryBackoffMs { get; set; }
    public List<RouteTargetWire> Targets { get; set; } = [];
}
