using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A budget or limit scope resolved from the URL: the scope row's owner columns and how the API names it.</summary>
public sealed record ResolvedScope(ScopeKind Kind, Guid ScopeId, Guid OrganizationId, Guid? ProjectId, string Ref, string Name);

/// <summary>
/// The <c>{scope}/{scopeRef}</c> addressing shared by project budgets and limits: <c>project/-</c> (the project
/// itself), <c>group/{group slug}</c> (a group of the organization; writes require it to be assigned to the project)
/// and <c>consumer/{consumer id}</c> (a consumer of the project). A group's budget or limit is one row per group,
/// seen from every project the group is assigned to.
/// </summary>
public static class BudgetScopes
{
    /// <summary>What the URL names the project itself.</summary>
    public const string ProjectRef = "-";

    /// <summary>Resolves the scope, or throws 400 (bad scope), 404 (no such group or consumer here).</summary>
    public static async Task<ResolvedScope> ResolveAsync(AdminContext admin, Organization organization, Project project, string scope, string scopeRef,
        bool requireAssignment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(organization);
        ArgumentNullException.ThrowIfNull(project);
        switch (scope)
        {
            case "project":
                if (scopeRef != ProjectRef)
                {
                    throw new AdminValidationException("scopeRef", $"must be '{ProjectRef}' for the project scope.");
                }

                return new ResolvedScope(ScopeKind.Project, project.Id, organization.Id, project.Id, ProjectRef, project.Slug);

            case "group":
                var group = await admin.Db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.OrganizationId == organization.Id && g.Slug == scopeRef, ct)
                    ?? throw new AdminNotFoundException($"Group '{scopeRef}' does not exist in organization '{organization.Slug}'.");
                if (requireAssignment && !await admin.Db.ProjectGroups.AnyAsync(pg => pg.ProjectId == project.Id && pg.GroupId == group.Id, ct))
                {
                    throw new AdminValidationException("scopeRef", $"group '{scopeRef}' is not assigned to project '{project.Slug}'.");
                }

                return new ResolvedScope(ScopeKind.Group, group.Id, organization.Id, null, group.Slug, group.Slug);

            case "consumer":
                if (!Guid.TryParse(scopeRef, CultureInfo.InvariantCulture, out var consumerId))
                {
                    throw new AdminValidationException("scopeRef", "must be a consumer id for the consumer scope.");
                }

                var consumer = await admin.Db.Consumers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == consumerId && c.ProjectId == project.Id, ct)
                    ?? throw new AdminNotFoundException($"Consumer {consumerId} does not exist in project '{project.Slug}'.");
                return new ResolvedScope(ScopeKind.Consumer, consumer.Id, organization.Id, project.Id, consumer.Id.ToString(), consumer.Name);

            case "org":
                throw new AdminValidationException("scope", $"the organization's own budget and limit live at /api/orgs/{organization.Slug}/budget and /limit.");

            default:
                throw new AdminValidationException("scope", "must be one of project, group, consumer.");
        }
    }

    /// <summary>The scopes a project's lists show: the project, its consumers, and the groups assigned to it.</summary>
    public static async Task<ProjectScopes> ForProjectAsync(AdminContext admin, Project project, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(project);
        var groups = await admin.Db.ProjectGroups.AsNoTracking().Where(pg => pg.ProjectId == project.Id)
            .Select(pg => new { pg.GroupId, pg.Group.Slug }).ToDictionaryAsync(g => g.GroupId, g => g.Slug, ct);
        var consumers = await admin.Db.Consumers.AsNoTracking().Where(c => c.ProjectId == project.Id)
            .ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return new ProjectScopes(project, groups, consumers);
    }

    /// <summary>Names of the scopes around one project, to label list rows.</summary>
    public sealed record ProjectScopes(Project Project, IReadOnlyDictionary<Guid, string> Groups, IReadOnlyDictionary<Guid, string> Consumers)
    {
        /// <summary>The group ids, for the list query.</summary>
        public List<Guid> GroupIds { get; } = [.. Groups.Keys];

        /// <summary>(ref, name) of a row's scope.</summary>
        public (string Ref, string Name) Label(ScopeKind kind, Guid scopeId) => kind switch
        {
            ScopeKind.Project => (ProjectRef, Project.Slug),
            ScopeKind.Group => (Groups.GetValueOrDefault(scopeId) ?? scopeId.ToString(), Groups.GetValueOrDefault(scopeId) ?? ""),
            ScopeKind.Consumer => (scopeId.ToString(), Consumers.GetValueOrDefault(scopeId) ?? ""),
            _ => (scopeId.ToString(), ""),
        };
    }
}
