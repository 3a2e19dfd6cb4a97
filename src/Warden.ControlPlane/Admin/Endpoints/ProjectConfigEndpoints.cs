using Microsoft.AspNetCore.Routing;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>Placeholder: filled in by the ProjectConfig endpoints work.</summary>
public static class ProjectConfigEndpoints
{
    public static RouteGroupBuilder MapProjectConfigEndpoints(this RouteGroupBuilder api) => api;
}
