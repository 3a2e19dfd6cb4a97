using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A monthly USD cap (calendar month, UTC).</summary>
public sealed record SetBudgetRequest(decimal MonthlyUsd);

/// <summary>
/// A budget as the API shows it. <c>scopeRef</c> is what the URL uses (<c>-</c>, a group slug or a consumer id);
/// <c>scopeName</c> is the project slug, group slug or consumer name.
/// </summary>
public sealed record BudgetView(Guid Id, ScopeKind Scope, string ScopeRef, Guid ScopeId, string ScopeName, decimal MonthlyUsd, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Budgets: <c>/api/orgs/{org}/projects/{project}/budgets[/{scope}/{scopeRef}]</c> (org admins and platform admins) and
/// the organization's own cap at <c>/api/orgs/{org}/budget</c> (read by org admins, written by platform admins only:
/// the organization's ceiling is set for the tenant, not by it). Stored and published to the gateways.
/// </summary>
public static class BudgetEndpoints
{
    /// <summary>Largest accepted monthly cap.</summary>
    public const decimal MaxMonthlyUsd = 10_000_000_000m;

    public static RouteGroupBuilder MapBudgetEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var budgets = api.MapGroup("/orgs/{org}/projects/{project}/budgets").WithTags("Budgets");
        budgets.MapGet("/", ListAsync).Produces<Page<BudgetView>>();
        budgets.MapGet("/{scope}/{scopeRef}", GetAsync).Produces<BudgetView>();
        budgets.MapPut("/{scope}/{scopeRef}", SetAsync).AcceptsJson<SetBudgetRequest>().Produces<BudgetView>().Produces<BudgetView>(StatusCodes.Status201Created);
        budgets.MapDelete("/{scope}/{scopeRef}", DeleteAsync).Produces(StatusCodes.Status204NoContent);

        var orgBudget = api.MapGroup("/orgs/{org}/budget").WithTags("Budgets");
        orgBudget.MapGet("/", GetOrgAsync).Produces<BudgetView>();
        orgBudget.MapPut("/", SetOrgAsync).AcceptsJson<SetBudgetRequest>().Produces<BudgetView>().Produces<BudgetView>(StatusCodes.Status201Created);
        orgBudget.MapDelete("/", DeleteOrgAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static string Target(string org, string project, string scope, string scopeRef) => Targets.InProject("budget", org, project, $"{scope}/{scopeRef}");

    private static BudgetView View(Budget b, string scopeRef, string scopeName) =>
        new(b.Id, b.Scope, scopeRef, b.ScopeId, scopeName, b.MonthlyUsd, b.CreatedAt, b.UpdatedAt);

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "budget.list", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var scopes = await BudgetScopes.ForProjectAsync(admin, entity, ct);
        var groupIds = scopes.GroupIds;
        return Results.Ok(await admin.Db.Budgets.AsNoTracking()
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
        var organization = await admin.AdministeredOrganizationAsync(org, "budget.read", Target(org, project, scope, scopeRef), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var resolved = await BudgetScopes.ResolveAsync(admin, organization, entity, scope, scopeRef, requireAssignment: false, ct);
        var budget = await FindAsync(admin, resolved, tracked: false, ct)
            ?? throw new AdminNotFoundException($"No {scope} budget is set for '{scopeRef}'.");
        return Results.Ok(View(budget, resolved.Ref, resolved.Name));
    }

    private static async Task<IResult> SetAsync(AdminContext admin, HttpRequest request, string org, string project, string scope, string scopeRef, CancellationToken ct)
    {
        var target = Target(org, project, scope, scopeRef);
        var organization = await admin.AdministeredOrganizationAsync(org, "budget.update", target, ct);
        var body = await AdminJson.ReadAsync<SetBudgetRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var resolved = await BudgetScopes.ResolveAsync(admin, organization, entity, scope, scopeRef, requireAssignment: true, ct);
        return await UpsertAsync(admin, resolved, body, org, target, $"/api/orgs/{org}/projects/{project}/budgets/{scope}/{scopeRef}", ct);
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string org, string project, string scope, string scopeRef, CancellationToken ct)
    {
        var target = Target(org, project, scope, scopeRef);
        var organization = await admin.AdministeredOrganizationAsync(org, "budget.delete", target, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var resolved = await BudgetScopes.ResolveAsync(admin, organization, entity, scope, scopeRef, requireAssignment: false, ct);
        return await RemoveAsync(admin, resolved, org, target, ct);
    }

    private static async Task<IResult> GetOrgAsync(AdminContext admin, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "budget.read", Targets.InOrganization("budget", org, "org"), ct);
        var budget = await FindAsync(admin, OrgScope(organization), tracked: false, ct)
            ?? throw new AdminNotFoundException($"Organization '{org}' has no budget.");
        return Results.Ok(View(budget, org, org));
    }

    private static async Task<IResult> SetOrgAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var target = Targets.InOrganization("budget", org, "org");
        admin.RequirePlatformAdmin("budget.update", org, target);
        var organization = await admin.AdministeredOrganizationAsync(org, "budget.update", target, ct);
        var body = await AdminJson.ReadAsync<SetBudgetRequest>(request, ct);
        return await UpsertAsync(admin, OrgScope(organization), body, org, target, $"/api/orgs/{org}/budget", ct);
    }

    private static async Task<IResult> DeleteOrgAsync(AdminContext admin, string org, CancellationToken ct)
    {
        var target = Targets.InOrganization("budget", org, "org");
        admin.RequirePlatformAdmin("budget.delete", org, target);
        var organization = await admin.AdministeredOrganizationAsync(org, "budget.delete", target, ct);
        return await RemoveAsync(admin, OrgScope(organization), org, target, ct);
    }

    private static ResolvedScope OrgScope(Organization organization) =>
        new(ScopeKind.Org, organization.Id, organization.Id, null, organization.Slug, organization.Slug);

    private static async Task<IResult> UpsertAsync(AdminContext admin, ResolvedScope scope, SetBudgetRequest body, string org, string target, string location, CancellationToken ct)
    {
        if (body.MonthlyUsd <= 0 || body.MonthlyUsd > MaxMonthlyUsd)
        {
            throw new AdminValidationException("monthlyUsd", $"must be greater than 0 and at most {MaxMonthlyUsd}.");
        }

        var budget = await FindAsync(admin, scope, tracked: true, ct);
        var created = budget is null;
        if (budget is null)
        {
            budget = new Budget { Scope = scope.Kind, ScopeId = scope.ScopeId, OrganizationId = scope.OrganizationId, ProjectId = scope.ProjectId, CreatedAt = admin.Now };
            admin.Db.Budgets.Add(budget);
        }

        budget.MonthlyUsd = body.MonthlyUsd;
        budget.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.Budget, budget.Id, created ? ConfigOperation.Created : ConfigOperation.Updated);
        var status = created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        await admin.CommitAsync(created ? "budget.create" : "budget.update", org, target, status, ct);
        var view = View(budget, scope.Ref, scope.Name);
        return created ? Results.Created(location, view) : Results.Ok(view);
    }

    private static async Task<IResult> RemoveAsync(AdminContext admin, ResolvedScope scope, string org, string target, CancellationToken ct)
    {
        var budget = await FindAsync(admin, scope, tracked: true, ct)
            ?? throw new AdminNotFoundException($"No {ScopeName(scope.Kind)} budget is set for '{scope.Ref}'.");
        admin.Db.Budgets.Remove(budget);
        admin.Changed(ConfigEntityKinds.Budget, budget.Id, ConfigOperation.Deleted);
        await admin.CommitAsync("budget.delete", org, target, StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    private static Task<Budget?> FindAsync(AdminContext admin, ResolvedScope scope, bool tracked, CancellationToken ct)
    {
        var query = tracked ? admin.Db.Budgets : admin.Db.Budgets.AsNoTracking();
        return query.SingleOrDefaultAsync(b => b.Scope == scope.Kind && b.ScopeId == scope.ScopeId && b.OrganizationId == scope.OrganizationId, ct);
    }

    /// <summary>The wire spelling of a scope kind.</summary>
    internal static string ScopeName(ScopeKind kind) => kind switch
    {
        ScopeKind.Org => "org",
        ScopeKind.Project => "project",
        ScopeKind.Group => "group",
        _ => "consumer",
    };
}
