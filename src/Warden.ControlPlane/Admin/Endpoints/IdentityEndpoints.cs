using Microsoft.AspNetCore.Routing;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>Placeholder: filled in by the Identity endpoints work.</summary>
public static class IdentityEndpoints
{
    public static RouteGroupBuilder MapIdentityEndpoints(this RouteGroupBuilder api) => api;
}
