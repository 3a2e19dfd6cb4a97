namespace Warden.Core.Snapshots.Wire;

/// <summary>A route target on the wire.</summary>
public sealed class RouteTargetWire
{
    public Guid ProviderId { get; set; }
    public string UpstreamModel { get; set; } = "";
    public int Weight { get; set; } = 1;
    public int TimeoutMs { get; set; }
}
