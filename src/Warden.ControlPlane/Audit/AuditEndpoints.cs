using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.ControlPlane.Admin;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Audit;

/// <summary>An audit event as the API shows it (newest first in lists).</summary>
public sealed record AuditEventView(long Id, DateTimeOffset OccurredAt, string Actor, IReadOnlyList<string> ActorGroups, string? Organization,
    string Action, string? Target, string Outcome, int HttpStatus, string? RequestId, string? SourceIp, string Hash);

/// <summary>
/// <c>GET /api/audit</c> (platform admins, every organization), <c>GET /api/orgs/{org}/audit</c> (org admins, their own),
/// filters <c>actor</c>, <c>action</c> (prefix, e.g. <c>key.</c>), <c>outcome</c>, <c>from</c>/<c>to</c> (ISO 8601) and
/// <c>org</c>; <c>GET /api/audit/verify</c> walks the hash chain.
/// </summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/audit", ListAllAsync).WithTags("Audit").Produces<Page<AuditEventView>>();
        api.MapGet("/audit/verify", VerifyAsync).WithTags("Audit").Produces<AuditVerification>();
        api.MapGet("/orgs/{org}/audit", ListOrganizationAsync).WithTags("Audit").Produces<Page<AuditEventView>>();
        return api;
    }

    private static async Task<IResult> ListAllAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("audit.read");
        var query = Filter(admin.Db.AuditEvents.AsNoTracking(), request);
        if (request.Query.TryGetValue("org", out var org) && org.ToString().Length > 0)
        {
            var slug = org.ToString();
            query = query.Where(e => e.OrganizationSlug == slug);
        }

        return Results.Ok(await query.OrderByDescending(e => e.Id).ToPageAsync(request, View, ct));
    }

    private static async Task<IResult> ListOrganizationAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "audit.read", null, ct);
        var slug = organization.Slug;
        var query = Filter(admin.Db.AuditEvents.AsNoTracking(), request).Where(e => e.OrganizationSlug == slug);
        return Results.Ok(await query.OrderByDescending(e => e.Id).ToPageAsync(request, View, ct));
    }

    private static async Task<IResult> VerifyAsync(AdminContext admin, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("audit.verify");
        return Results.Ok(await AuditChain.VerifyAsync(admin.Db, ct));
    }

    private static IQueryable<AuditEvent> Filter(IQueryable<AuditEvent> query, HttpRequest request)
    {
        var validation = new Validation();
        var q = request.Query;
        if (q.TryGetValue("actor", out var actor) && actor.ToString().Length > 0)
        {
            var value = actor.ToString();
            query = query.Where(e => e.Actor == value);
        }

        if (q.TryGetValue("action", out var action) && action.ToString().Length > 0)
        {
            var prefix = action.ToString();
            query = query.Where(e => e.Action.StartsWith(prefix));
        }

        if (q.TryGetValue("outcome", out var outcome) && outcome.ToString().Length > 0)
        {
            switch (outcome.ToString())
            {
                case "allowed":
                    query = query.Where(e => e.Outcome == AuditOutcome.Allowed);
                    break;
                case "denied":
                    query = query.Where(e => e.Outcome == AuditOutcome.Denied);
                    break;
                default:
                    validation.Add("outcome", "must be allowed or denied.");
                    break;
            }
        }

        if (q.TryGetValue("from", out var from) && from.ToString().Length > 0)
        {
            if (DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                query = query.Where(e => e.OccurredAt >= value);
            }
            else
            {
                validation.Add("from", "must be an ISO 8601 date or time.");
            }
        }

        if (q.TryGetValue("to", out var to) && to.ToString().Length > 0)
        {
            if (DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                query = query.Where(e => e.OccurredAt < value);
            }
            else
            {
                validation.Add("to", "must be an ISO 8601 date or time.");
            }
        }

        validation.ThrowIfInvalid();
        return query;
    }

    private static AuditEventView View(AuditEvent e) => new(e.Id, e.OccurredAt, e.Actor, e.ActorGroups, e.OrganizationSlug, e.Action, e.Target,
        e.Outcome == AuditOutcome.Allowed ? "allowed" : "denied", e.HttpStatus, e.RequestId, e.SourceIp, Convert.ToHexStringLower(e.Hash));
}
