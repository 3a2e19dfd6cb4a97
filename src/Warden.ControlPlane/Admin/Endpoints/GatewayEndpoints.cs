using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.ControlPlane.Reconcile;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// The reconcile picture: the newest configuration revision written to the database, the revision this control plane
/// serves, and per gateway replica what it has applied. <c>Drift</c> is true while any replica lacks the served content.
/// </summary>
/// <param name="LatestRevision">Newest revision in the database (the desired state); null on an empty database.</param>
/// <param name="ServedRevision">Revision this control plane has built and serves; null before its first reconcile.</param>
/// <param name="Gateways">Every gateway that polled this control plane recently, ordered by id.</param>
/// <param name="Drift">True when a replica is not in sync or not healthy.</param>
public sealed record GatewaysView(long? LatestRevision, long? ServedRevision, IReadOnlyList<GatewayStatus> Gateways, bool Drift);

/// <summary>
/// <c>GET /api/gateways</c> (platform admins) and <c>GET /api/orgs/{org}/projects/{project}/effective-config</c>
/// (org admins of the organization, platform admins): what the gateways were told, read from the snapshot served right
/// now, not recomputed from the tables.
/// </summary>
public static class GatewayEndpoints
{
    public static RouteGroupBuilder MapGatewayEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/gateways", ListAsync).WithTags("Gateways").Produces<GatewaysView>();
        api.MapGet("/orgs/{org}/projects/{project}/effective-config", EffectiveConfigAsync).WithTags("Projects").Produces<EffectiveConfig>();
        return api;
    }

    private static async Task<IResult> ListAsync(AdminContext admin, SnapshotHub hub, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("gateway.list");
        var latest = await admin.Db.ConfigRevisions.AsNoTracking().MaxAsync(r => (long?)r.Id, ct);
        var gateways = hub.DescribeGateways(admin.Now);
        return Results.Ok(new GatewaysView(latest, hub.CurrentRevision, gateways, gateways.Any(g => !g.InSync || !g.Healthy)));
    }

    private static async Task<IResult> EffectiveConfigAsync(AdminContext admin, SnapshotHub hub, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "project.effective_config.read", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var snapshot = hub.CurrentSnapshot
            ?? throw new AdminConflictException("The control plane has not built its first snapshot yet; try again shortly.");
        var effective = EffectiveConfigView.Describe(snapshot, entity.Id)
            ?? throw new AdminConflictException($"Project '{project}' is not in the served snapshot yet; the next reconcile publishes it.");
        return Results.Ok(effective);
    }
}
