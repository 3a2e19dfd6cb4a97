using Microsoft.AspNetCore.Routing;
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

    private static readonly ScopedPolicyEndpoints<Budget, SetBudgetRequest, BudgetView> s_endpoints = new()
    {
        Kind = "budget",
        EntityKind = ConfigEntityKinds.Budget,
        Tag = "Budgets",
        Set = db => db.Budgets,
        Create = (scope, now) => new Budget { Scope = scope.Kind, ScopeId = scope.ScopeId, OrganizationId = scope.OrganizationId, ProjectId = scope.ProjectId, CreatedAt = now },
        Validate = body =>
        {
            if (body.MonthlyUsd <= 0 || body.MonthlyUsd > MaxMonthlyUsd)
            {
                throw new AdminValidationException("monthlyUsd", $"must be greater than 0 and at most {MaxMonthlyUsd}.");
            }
        },
        Apply = (budget, body) => budget.MonthlyUsd = body.MonthlyUsd,
        View = (b, scopeRef, scopeName) => new BudgetView(b.Id, b.Scope, scopeRef, b.ScopeId, scopeName, b.MonthlyUsd, b.CreatedAt, b.UpdatedAt),
    };

    public static RouteGroupBuilder MapBudgetEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        s_endpoints.Map(api);
        return api;
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
