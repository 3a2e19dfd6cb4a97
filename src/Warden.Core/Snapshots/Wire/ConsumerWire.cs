namespace Warden.Core.Snapshots.Wire;

/// <summary>A consumer on the wire.</summary>
public sealed class ConsumerWire
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public Guid ProjectId { get; set; }
    public List<Guid> GroupIds { get; set; } = [];
}
