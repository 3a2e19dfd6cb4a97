namespace Warden.Core.Snapshots.Wire;

/// <summary>A consumer on the wire. Treated as immutable once built: a change is a new instance.</summary>
public sealed class ConsumerWire
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public Guid ProjectId { get; set; }
    public List<Guid> GroupIds { get; set; } = [];

    /// <summary>True when <paramref name="other"/> has the same content.</summary>
    public bool SameAs(ConsumerWire other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Id == other.Id && ProjectId == other.ProjectId && string.Equals(Name, other.Name, StringComparison.Ordinal) && GroupIds.SequenceEqual(other.GroupIds);
    }
}
