using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// The endpoints budgets and limits share: per project <c>/api/orgs/{org}/projects/{project}/{plural}[/{scope}/{scopeRef}]</c>
/// (org admins and platform admins) and the organization's own row at <c>/api/orgs/{org}/{kind}</c> (read by org admins,
/// written by platform admins only: the organization's ceiling is set for the tenant, not by it). Audit actions are
/// <c>{kind}.create|update|delete</c>; every write is published to the gateways.
/// </summary>
/// <typeparam name="TEntity">The stored row.</typeparam>
/// <typeparam name="TRequest">The body of a PUT.</typeparam>
/// <typeparam name="TView">The row as the API shows it.</typeparam>
internal sealed class ScopedPolicyEndpoints<TEntity, TRequest, TView>
    where TEntity : class, IScopedPolicy
    where TRequest : class
    where TView : class
{
    /// <summary>Singular name: <c>budget</c> or <c>limit</c> (audit actions, targets, the organization path).</summary>
    public required string Kind { get; init; }

    /// <summary>The entity kind recorded in configuration revisions.</summary>
    public required string EntityKind { get; init; }

    /// <summary>OpenAPI tag.</summary>
    public required string Tag { get; init; }

    /// <summary>The table.</summary>
    public required Func<WardenDbContext, DbSet<TEntity>> Set { get; init; }

    /// <summary>A new row for a scope, created at the given time.</summary>
    public required Func<ResolvedScope, DateTimeOffset, TEntity> Create { get; init; }

    /// <summary>Checks a request; throws <see cref="AdminValidationException"/> naming the field.</summary>
    public required Action<TRequest> Validate { get; init; }

    /// <summary>Copies a valid request onto a row.</summary>
    public required Action<TEntity, TRequest> Apply { get; init; }

    /// <summary>The view of a row, given the scope's URL reference and display name.</summary>
    public required Func<TEntity, string, string, TView> View { get; init; }

    public void Map(RouteGroupBuilder api)
    {
        var rows = api.MapGroup($"/orgs/{{org}}/projects/{{project}}/{Kind}s").WithTags(Tag);
        rows.MapGet("/", ListAsync).Produces<Page<TView>>();
        rows.MapGet("/{scope}/{scopeRef}", GetAsync).Produces<TView>();
        rows.MapPut("/{scope}/{scopeRef}", SetAsync).AcceptsJson<TRequest>().Produces<TView>().Produces<TView>(StatusCodes.Status201Created);
        rows.MapDelete("/{scope}/{scopeRef}", DeleteAsync).Produces(StatusCodes.Status204NoContent);

        var organization = api.MapGroup($"/orgs/{{org}}/{Kind}").WithTags(Tag);
        organization.MapGet("/", GetOrgAsync).Produces<TView>();
        organization.MapPut("/", SetOrgAsync).AcceptsJson<TRequest>().Produces<TView>().Produces<TView>(StatusCodes.Status201Created);
        organization.MapDelete("/", DeleteOrgAsync).Produces(StatusCodes.Status204NoContent);
    }

    private string Target(string org, string project, string scope, string scopeRef) => Targets.InProject(Kind, org, project, $"{scope}/{scopeRef}");

    private string OrgTarget(string org) => Targets.InOrganization(Kind, org, "org");

    private async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, Kind + ".list", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var scopes = await BudgetScopes.ForProjectAsync(admin, entity, ct);
        var groupIds = scopes.GroupIds;
        return Results.Ok(await Set(admin.Db).AsNoTracking()
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

    private async Task<IResult> GetAsync(AdminContext admin, string org, string project, string scope, string scopeRef, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, Kind + ".read", Target(org, project, scope, scopeRef), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var resolved = await BudgetScopes.ResolveAsync(admin, organization, entity, scope, scopeRef, requireAssignment: false, ct);
        var row = await FindAsync(admin, resolved, tracked: false, ct)
            ?? throw new AdminNotFoundException($"No {scope} {Kind} is set for '{scopeRef}'.");
        return Results.Ok(View(row, resolved.Ref, resolved.Name));
    }

    private async Task<IResult> SetAsync(AdminContext admin, HttpRequest request, string org, string project, string scope, string scopeRef, CancellationToken ct)
    {
        var target = Target(org, project, scope, scopeRef);
        var organization = await admin.AdministeredOrganizationAsync(org, Kind + ".update", target, ct);
        var body = await AdminJson.ReadAsync<TRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var resolved = await BudgetScopes.ResolveAsync(admin, organization, entity, scope, scopeRef, requireAssignment: true, ct);
        return await UpsertAsync(admin, resolved, body, org, target, $"/api/orgs/{org}/projects/{project}/{Kind}s/{scope}/{scopeRef}", ct);
    }

    private async Task<IResult> DeleteAsync(AdminContext admin, string org, string project, string scope, string scopeRef, CancellationToken ct)
    {
        var target = Target(org, project, scope, scopeRef);
        var organization = await admin.AdministeredOrganizationAsync(org, Kind + ".delete", target, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var resolved = await BudgetScopes.ResolveAsync(admin, organization, entity, scope, scopeRef, requireAssignment: false, ct);
        return await RemoveAsync(admin, resolved, org, target, ct);
    }

    private async Task<IResult> GetOrgAsync(AdminContext admin, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, Kind + ".read", OrgTarget(org), ct);
        var row = await FindAsync(admin, OrgScope(organization), tracked: false, ct)
            ?? throw new AdminNotFoundException($"Organization '{org}' has no {Kind}.");
        return Results.Ok(View(row, org, org));
    }

    private async Task<IResult> SetOrgAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var target = OrgTarget(org);
        admin.RequirePlatformAdmin(Kind + ".update", org, target);
        var organization = await admin.AdministeredOrganizationAsync(org, Kind + ".update", target, ct);
        var body = await AdminJson.ReadAsync<TRequest>(request, ct);
        return await UpsertAsync(admin, OrgScope(organization), body, org, target, $"/api/orgs/{org}/{Kind}", ct);
    }

    private async Task<IResult> DeleteOrgAsync(AdminContext admin, string org, CancellationToken ct)
    {
        var target = OrgTarget(org);
        admin.RequirePlatformAdmin(Kind + ".delete", org, target);
        var organization = await admin.AdministeredOrganizationAsync(org, Kind + ".delete", target, ct);
        return await RemoveAsync(admin, OrgScope(organization), org, target, ct);
    }

    private static ResolvedScope OrgScope(Organization organization) =>
        new(ScopeKind.Org, organization.Id, organization.Id, null, organization.Slug, organization.Slug);

    private async Task<IResult> UpsertAsync(AdminContext admin, ResolvedScope scope, TRequest body, string org, string target, string location, CancellationToken ct)
    {
        Validate(body);
        var row = await FindAsync(admin, scope, tracked: true, ct);
        var created = row is null;
        if (row is null)
        {
            row = Create(scope, admin.Now);
            Set(admin.Db).Add(row);
        }

        Apply(row, body);
        row.UpdatedAt = admin.Now;
        admin.Changed(EntityKind, row.Id, created ? ConfigOperation.Created : ConfigOperation.Updated);
        var status = created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        await admin.CommitAsync(Kind + (created ? ".create" : ".update"), org, target, status, ct);
        var view = View(row, scope.Ref, scope.Name);
        return created ? Results.Created(location, view) : Results.Ok(view);
    }

    private async Task<IResult> RemoveAsync(AdminContext admin, ResolvedScope scope, string org, string target, CancellationToken ct)
    {
        var row = await FindAsync(admin, scope, tracked: true, ct)
            ?? throw new AdminNotFoundException($"No {BudgetEndpoints.ScopeName(scope.Kind)} {Kind} is set for '{scope.Ref}'.");
        Set(admin.Db).Remove(row);
        admin.Changed(EntityKind, row.Id, ConfigOperation.Deleted);
        await admin.CommitAsync(Kind + ".delete", org, target, StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    private Task<TEntity?> FindAsync(AdminContext admin, ResolvedScope scope, bool tracked, CancellationToken ct)
    {
        var query = tracked ? Set(admin.Db) : Set(admin.Db).AsNoTracking();
        return query.SingleOrDefaultAsync(b => b.Scope == scope.Kind && b.ScopeId == scope.ScopeId && b.OrganizationId == scope.OrganizationId, ct);
    }
}
