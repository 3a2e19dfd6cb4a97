namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>One of the caller's consumers, with the ids of its scope chain and its qualified name (<c>org.project.name</c>).</summary>
internal sealed record MyConsumer(Guid Id, Guid ProjectId, Guid OrganizationId, string Organization, string Project, string Qualified);
