namespace Warden.Core.Snapshots.Wire;

/// <summary>A project and its routes on the wire.</summary>
public sealed class ProjectWire
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string OrganizationSlug { get; set; } = "";
    public string Slug { get; set; } = "";
    public List<RouteWire> Routes { get; set; } = [];
}
