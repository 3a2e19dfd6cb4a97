namespace Warden.Core.Snapshots.Wire;

/// <summary>Rate limits on the wire.</summary>
public sealed class LimitWire
{
    public PolicyScope Scope { get; set; }
    public Guid ScopeId { get; set; }
    public long TokensPerMinute { get; set; }
    public int? RequestsPerMinute { get; set; }
    public int? MaxConcurrent { get; set; }
}
