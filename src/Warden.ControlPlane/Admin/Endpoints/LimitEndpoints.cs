using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>Rate limits: tokens per minute (required), requests per minute and concurrent requests (optional).</summary>
public sealed record SetLimitRequest(long TokensPerMinute, int? RequestsPerMinute = null, int? MaxConcurrent = null);

/// <summary>A limit as the API shows it; scope fields as in <see cref="BudgetView"/>.</summary>
public sealed record LimitView(Guid Id, ScopeKind Scope, string ScopeRef, Guid ScopeId, string ScopeName, long TokensPerMinute, int? RequestsPerMinute, int? MaxConcurrent,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Rate limits: <c>/api/orgs/{org}/projects/{project}/limits[/{scope}/{scopeRef}]</c> (org admins and platform admins)
/// and the organization's own limit at <c>/api/orgs/{org}/limit</c> (read by org admins, written by platform admins
/// only, like the organization budget). Stored and published to the gateways.
/// </summary>
public static class LimitEndpoints
{
    /// <summary>Largest accepted tokens per minute.</summary>
    public const long MaxTokensPerMinute = 1_000_000_000_000;

    /// <summary>Largest accepted requests per minute.</summary>
    public const int MaxRequestsPerMinute = 100_000_000;

    /// <summary>Largest accepted concurrency.</summary>
    public const int MaxConcurrency = 1_000_000;

    public static RouteGroupBuilder MapLimitEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var limits = api.MapGroup("/orgs/{org}/projects/{project}/limits").WithTags("Limits");
        limits.MapGet("/", ListAsync).Produces<Page<LimitView>>();
        limits.MapGet("/{scope}/{scopeRef}", GetAsync).Produces<LimitView>();
        limits.MapPut("/{scope}/{scopeRef}", SetAsync).AcceptsJson<SetLimitRequest>().Produces<LimitView>().Produces<LimitView>(StatusCodes.Status201Created);
        limits.MapDelete("/{scope}/{scopeRef}", DeleteAsync).Produces(StatusCodes.Status204NoContent);

        var orgLimit = api.MapGroup("/orgs/{org}/limit").WithTags("Limits");
        orgLimit.MapGet("/", GetOrgAsync).Produces<LimitView>();
        orgLimit.MapPut("/", SetOrgAsync).AcceptsJson<SetLimitRequest>().Produces<LimitView>().Produces<LimitView>(StatusCodes.Status201Created);
        orgLimit.MapDelete("/", DeleteOrgAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static string Target(string org, string project, string scope, string scopeRef) => Targets.InProject("limit", org, project, $"{scope}/{scopeRef}");

    private static LimitView View(Limit l, string scopeRef, string scopeName) =>
        new(l.Id, l.Scope, scopeRef, l.ScopeId, scopeName, l.TokensPerMinute, l.RequestsPerMinute, l.MaxConcurrent, l.CreatedAt, l.UpdatedAt);

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "limit.list", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var scopes = await BudgetScopes.ForProjectAsync(admin, entity, ct);
        var groupIds = scopes.GroupIds;
        return Results.Ok(await admin.Db.Limits.AsNoTracking()
            .Where(b => (b.Scope == ScopeKind.Project && b.ScopeId == entity.Id)
                || (b.Scope == ScopeKind.Consumer && b.ProjectId == entity.Id)
                || (b.Scope == ScopeKind.Group && b.OrganizationId == organization.Id && groupIds.Contains(b.ScopeId)))
            .OrderBy(b => b.Scope).ThenBy(b => b.ScopeId)
            .ToPageAsync(request, b =>
            {
                var (scopeRef, name) = scopes.Label(b.Scope, b.ScopeId);
                return View(b, scopeRef, name);
            }, ct));
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string project, string scope, string scopeRef, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "limit.read", Target(org, project, scope, scopeRef), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var resolved = await BudgetScopes.ResolveAsync(admin, organization, entity, scope, scopeRef, requireAssignment: false, ct);
        var limit = await FindAsync(admin, resolved, tracked: false, ct)
            ?? throw new AdminNotFoundException($"No {scope} limit is set for '{scopeRef}'.");
        return Results.Ok(View(limit, resolved.Ref, resolved.Name));
    }

    private static async Task<IResult> SetAsync(AdminContext admin, HttpRequest request, string org, string project, string scope, string scopeRef, CancellationToken ct)
    {
        var target = Target(org, project, scope, scopeRef);
        var organization = await admin.AdministeredOrganizationAsync(org, "limit.update", target, ct);
        var body = await AdminJson.ReadAsync<SetLimitRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var resolved = await BudgetScopes.ResolveAsync(admin, organization, entity, scope, scopeRef, requireAssignment: true, ct);
        return await UpsertAsync(admin, resolved, body, org, target, $"/api/orgs/{org}/projects/{project}/limits/{scope}/{scopeRef}", ct);
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string org, string project, string scope, string scopeRef, CancellationToken ct)
    {
        var target = Target(org, project, scope, scopeRef);
        var organization = await admin.AdministeredOrganizationAsync(org, "limit.delete", target, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var resolved = await BudgetScopes.ResolveAsync(admin, organization, entity, scope, scopeRef, requireAssignment: false, ct);
        return await RemoveAsync(admin, resolved, org, target, ct);
    }

    private static async Task<IResult> GetOrgAsync(AdminContext admin, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "limit.read", Targets.InOrganization("limit", org, "org"), ct);
        var limit = await FindAsync(admin, OrgScope(organization), tracked: false, ct)
            ?? throw new AdminNotFoundException($"Organization '{org}' has no limit.");
        return Results.Ok(View(limit, org, org));
    }

    private static async Task<IResult> SetOrgAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var target = Targets.InOrganization("limit", org, "org");
        admin.RequirePlatformAdmin("limit.update", org, target);
        var organization = await admin.AdministeredOrganizationAsync(org, "limit.update", target, ct);
        var body = await AdminJson.ReadAsync<SetLimitRequest>(request, ct);
        return await UpsertAsync(admin, OrgScope(organization), body, org, target, $"/api/orgs/{org}/limit", ct);
    }

    private static async Task<IResult> DeleteOrgAsync(AdminContext admin, string org, CancellationToken ct)
    {
        var target = Targets.InOrganization("limit", org, "org");
        admin.RequirePlatformAdmin("limit.delete", org, target);
        var organization = await admin.AdministeredOrganizationAsync(org, "limit.delete", target, ct);
        return await RemoveAsync(admin, OrgScope(organization), org, target, ct);
    }

    private static ResolvedScope OrgScope(Organization organization) =>
        new(ScopeKind.Org, organization.Id, organization.Id, null, organization.Slug, organization.Slug);

    private static async Task<IResult> UpsertAsync(AdminContext admin, ResolvedScope scope, SetLimitRequest body, string org, string target, string location, CancellationToken ct)
    {
        var validation = new Validation()
            .Range("requestsPerMinute", body.RequestsPerMinute, 1, MaxRequestsPerMinute)
            .Range("maxConcurrent", body.MaxConcurrent, 1, MaxConcurrency);
        if (body.TokensPerMinute <= 0 || body.TokensPerMinute > MaxTokensPerMinute)
        {
            validation.Add("tokensPerMinute", $"must be greater than 0 and at most {MaxTokensPerMinute}.");
        }

        validation.ThrowIfInvalid();

        var limit = await FindAsync(admin, scope, tracked: true, ct);
        var created = limit is null;
        if (limit is null)
        {
            limit = new Limit { Scope = scope.Kind, ScopeId = scope.ScopeId, OrganizationId = scope.OrganizationId, ProjectId = scope.ProjectId, CreatedAt = admin.Now };
            admin.Db.Limits.Add(limit);
        }

        limit.TokensPerMinute = body.TokensPerMinute;
        limit.RequestsPerMinute = body.RequestsPerMinute;
        limit.MaxConcurrent = body.MaxConcurrent;
        limit.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.Limit, limit.Id, created ? ConfigOperation.Created : ConfigOperation.Updated);
        var status = created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        await admin.CommitAsync(created ? "limit.create" : "limit.update", org, target, status, ct);
        var view = View(limit, scope.Ref, scope.Name);
        return created ? Results.Created(location, view) : Results.Ok(view);
    }

    private static async Task<IResult> RemoveAsync(AdminContext admin, ResolvedScope scope, string org, string target, CancellationToken ct)
    {
        var limit = await FindAsync(admin, scope, tracked: true, ct)
            ?? throw new AdminNotFoundException($"No {BudgetEndpoints.ScopeName(scope.Kind)} limit is set for '{scope.Ref}'.");
        admin.Db.Limits.Remove(limit);
        admin.Changed(ConfigEntityKinds.Limit, limit.Id, ConfigOperation.Deleted);
        await admin.CommitAsync("limit.delete", org, target, StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    private static Task<Limit?> FindAsync(AdminContext admin, ResolvedScope scope, bool tracked, CancellationToken ct)
    {
        var query = tracked ? admin.Db.Limits : admin.Db.Limits.AsNoTracking();
        return query.SingleOrDefaultAsync(b => b.Scope == scope.Kind && b.ScopeId == scope.ScopeId && b.OrganizationId == scope.OrganizationId, ct);
    }

}
