using Microsoft.AspNetCore.Routing;

namespace Warden.ControlPlane.Audit;

/// <summary>Audit log endpoints.</summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api) => api;
}
