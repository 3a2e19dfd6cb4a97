using Microsoft.AspNetCore.Routing;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// What a project's gateways enforce, and the platform price table: providers, routes, budgets, limits, guardrails,
/// cache, semantic guard and MCP servers under <c>/api/orgs/{org}/projects/{project}</c>, the organization's own
/// budget and limit, and <c>/api/pricing</c>. Every write records the changed entities so the reconcile loop
/// publishes them to the gateways.
/// </summary>
public static class ProjectConfigEndpoints
{
    public static RouteGroupBuilder MapProjectConfigEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapProviderEndpoints();
        api.MapRouteEndpoints();
        api.MapPricingEndpoints();
        api.MapBudgetEndpoints();
        api.MapLimitEndpoints();
        api.MapGuardrailEndpoints();
        api.MapCacheEndpoints();
        api.MapSemanticGuardEndpoints();
        api.MapMcpServerEndpoints();
        return api;
    }
}
