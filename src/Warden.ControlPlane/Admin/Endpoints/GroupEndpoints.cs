using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A new group. An empty or missing <c>allowedModels</c> means the group does not restrict models.</summary>
public sealed record CreateGroupRequest(string Slug, string Name, string? IdpGroupClaim = null, IReadOnlyList<string>? AllowedModels = null);

/// <summary>Changes to a group (the slug is immutable). <c>idpGroupClaim: ""</c> removes the mapping; <c>allowedModels: []</c> lifts the restriction.</summary>
public sealed record UpdateGroupRequest(string? Name = null, string? IdpGroupClaim = null, IReadOnlyList<string>? AllowedModels = null);

/// <summary>A user to add to a group, by e-mail address or user id; they must be a member of the organization.</summary>
public sealed record AddGroupMemberRequest(string? Email = null, Guid? UserId = null);

/// <summary>A group as the API shows it, with the slugs of the projects it is assigned to.</summary>
public sealed record GroupView(Guid Id, string Slug, string Name, string? IdpGroupClaim, IReadOnlyList<string> AllowedModels,
    IReadOnlyList<string> Projects, int MemberCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A member of a group.</summary>
public sealed record GroupMemberView(Guid UserId, string Email, string DisplayName, DateTimeOffset AddedAt);

/// <summary>A group's assignment to a project.</summary>
public sealed record ProjectGroupView(string Project, string Group, DateTimeOffset AssignedAt);

/// <summary>
/// <c>/api/orgs/{org}/groups</c> (teams with a model allow-list, their members) and
/// <c>/api/orgs/{org}/projects/{project}/groups/{group}</c> (assignment to projects). Org admins of the organization
/// and platform admins. Every change reaches the gateways: a consumer's groups decide which models it may use.
/// </summary>
public static class GroupEndpoints
{
    private const int MaxAllowedModels = 500;

    public static RouteGroupBuilder MapGroupEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var groups = api.MapGroup("/orgs/{org}/groups").WithTags("Groups");
        groups.MapGet("/", ListAsync).Produces<Page<GroupView>>();
        groups.MapPost("/", CreateAsync).AcceptsJson<CreateGroupRequest>().Produces<GroupView>(StatusCodes.Status201Created);
        groups.MapGet("/{group}", GetAsync).Produces<GroupView>();
        groups.MapPatch("/{group}", UpdateAsync).AcceptsJson<UpdateGroupRequest>().Produces<GroupView>();
        groups.MapDelete("/{group}", DeleteAsync).Produces(StatusCodes.Status204NoContent);
        groups.MapGet("/{group}/members", ListMembersAsync).Produces<Page<GroupMemberView>>();
        groups.MapPost("/{group}/members", AddMemberAsync).AcceptsJson<AddGroupMemberRequest>().Produces<GroupMemberView>(StatusCodes.Status201Created);
        groups.MapDelete("/{group}/members/{userId:guid}", RemoveMemberAsync).Produces(StatusCodes.Status204NoContent);

        var assignments = api.MapGroup("/orgs/{org}/projects/{project}/groups").WithTags("Groups");
        assignments.MapGet("/", ListAssignedAsync).Produces<Page<GroupView>>();
        assignments.MapPut("/{group}", AssignAsync).Produces<ProjectGroupView>().Produces<ProjectGroupView>(StatusCodes.Status201Created);
        assignments.MapDelete("/{group}", UnassignAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static string Target(string org, string group) => Targets.InOrganization("group", org, group);

    private static IQueryable<GroupRow> Rows(IQueryable<Group> groups) => groups.Select(g => new GroupRow(
        g, g.Projects.OrderBy(p => p.Project.Slug).Select(p => p.Project.Slug).ToList(), g.Members.Count));

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "group.list", null, ct);
        return Results.Ok(await Rows(admin.Db.Groups.AsNoTracking().Where(g => g.OrganizationId == organization.Id).OrderBy(g => g.Slug))
            .ToPageAsync(request, r => r.View(), ct));
    }

    private static async Task<IResult> CreateAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "group.create", Targets.Organization(org), ct);
        var body = await AdminJson.ReadAsync<CreateGroupRequest>(request, ct);
        var validation = new Validation().Slug("slug", body.Slug).Required("name", body.Name).MaxLength("idpGroupClaim", body.IdpGroupClaim, 200);
        var models = ValidateModels(validation, body.AllowedModels);
        validation.ThrowIfInvalid();
        if (await admin.Db.Groups.AnyAsync(g => g.OrganizationId == organization.Id && g.Slug == body.Slug, ct))
        {
            throw new AdminConflictException($"Group '{body.Slug}' already exists in organization '{org}'.");
        }

        var group = new Group
        {
            OrganizationId = organization.Id,
            Slug = body.Slug,
            Name = body.Name.Trim(),
            IdpGroupClaim = string.IsNullOrWhiteSpace(body.IdpGroupClaim) ? null : body.IdpGroupClaim.Trim(),
            AllowedModels = models ?? [],
            CreatedAt = admin.Now,
            UpdatedAt = admin.Now,
        };
        admin.Db.Groups.Add(group);
        admin.Changed(ConfigEntityKinds.Group, group.Id, ConfigOperation.Created);
        await admin.CommitAsync("group.create", org, Target(org, group.Slug), StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/groups/{group.Slug}", new GroupRow(group, [], 0).View());
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string group, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "group.read", null, ct);
        var row = await Rows(admin.Db.Groups.AsNoTracking().Where(g => g.OrganizationId == organization.Id && g.Slug == group)).SingleOrDefaultAsync(ct)
            ?? throw NotFound(org, group);
        return Results.Ok(row.View());
    }

    private static async Task<IResult> UpdateAsync(AdminContext admin, HttpRequest request, string org, string group, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "group.update", Target(org, group), ct);
        var entity = await GroupAsync(admin, organization, group, ct);
        var body = await AdminJson.ReadAsync<UpdateGroupRequest>(request, ct);
        var validation = new Validation().MaxLength("idpGroupClaim", body.IdpGroupClaim, 200);
        if (body.Name is not null)
        {
            validation.Required("name", body.Name);
        }

        var models = ValidateModels(validation, body.AllowedModels);
        validation.ThrowIfInvalid();
        entity.Name = body.Name?.Trim() ?? entity.Name;
        if (body.IdpGroupClaim is not null)
        {
            entity.IdpGroupClaim = body.IdpGroupClaim.Trim().Length == 0 ? null : body.IdpGroupClaim.Trim();
        }

        if (models is not null)
        {
            entity.AllowedModels = models;
        }

        entity.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.Group, entity.Id, ConfigOperation.Updated);
        await admin.CommitAsync("group.update", org, Target(org, group), StatusCodes.Status200OK, ct);
        var row = await Rows(admin.Db.Groups.AsNoTracking().Where(g => g.Id == entity.Id)).SingleAsync(ct);
        return Results.Ok(row.View());
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string org, string group, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "group.delete", Target(org, group), ct);
        var entity = await GroupAsync(admin, organization, group, ct);
        var members = await admin.Db.GroupMemberships.Where(m => m.GroupId == entity.Id).Select(m => m.UserId).ToListAsync(ct);
        var projects = await admin.Db.ProjectGroups.Where(p => p.GroupId == entity.Id).Select(p => p.ProjectId).ToListAsync(ct);
        await IdentityEndpoints.RecordConsumersOfUsersAsync(admin, organization.Id, members, projects, ct);

        // Group-scoped budgets and limits have no foreign key to the group (their scope id may name any kind of scope).
        var budgets = await admin.Db.Budgets.Where(b => b.Scope == ScopeKind.Group && b.ScopeId == entity.Id).ToListAsync(ct);
        var limits = await admin.Db.Limits.Where(l => l.Scope == ScopeKind.Group && l.ScopeId == entity.Id).ToListAsync(ct);
        foreach (var budget in budgets)
        {
            admin.Changed(ConfigEntityKinds.Budget, budget.Id, ConfigOperation.Deleted);
        }

        foreach (var limit in limits)
        {
            admin.Changed(ConfigEntityKinds.Limit, limit.Id, ConfigOperation.Deleted);
        }

        admin.Db.Budgets.RemoveRange(budgets);
        admin.Db.Limits.RemoveRange(limits);
        admin.Db.Groups.Remove(entity);
        admin.Changed(ConfigEntityKinds.Group, entity.Id, ConfigOperation.Deleted);
        await admin.CommitAsync("group.delete", org, Target(org, group), StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> ListMembersAsync(AdminContext admin, HttpRequest request, string org, string group, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "group.member.list", null, ct);
        var entity = await GroupAsync(admin, organization, group, ct);
        return Results.Ok(await admin.Db.GroupMemberships.AsNoTracking().Include(m => m.User).Where(m => m.GroupId == entity.Id)
            .OrderBy(m => m.User.NormalizedEmail).ToPageAsync(request, m => new GroupMemberView(m.UserId, m.User.Email, m.User.DisplayName, m.CreatedAt), ct));
    }

    private static async Task<IResult> AddMemberAsync(AdminContext admin, HttpRequest request, string org, string group, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "group.member.add", Target(org, group), ct);
        var entity = await GroupAsync(admin, organization, group, ct);
        var body = await AdminJson.ReadAsync<AddGroupMemberRequest>(request, ct);
        if ((body.Email is null) == (body.UserId is null))
        {
            throw new AdminValidationException("email", "give exactly one of email or userId.");
        }

        var user = body.UserId is { } id
            ? await admin.Db.Users.SingleOrDefaultAsync(u => u.Id == id, ct)
            : await IdentityEndpoints.FindUserAsync(admin, body.Email!, ct);
        var field = body.UserId is null ? "email" : "userId";
        if (user is null || !await admin.Db.Memberships.AnyAsync(m => m.UserId == user.Id && m.OrganizationId == organization.Id, ct))
        {
            throw new AdminValidationException(field, $"is not a member of organization '{org}'.");
        }

        if (await admin.Db.GroupMemberships.AnyAsync(m => m.GroupId == entity.Id && m.UserId == user.Id, ct))
        {
            throw new AdminConflictException($"{user.Email} is already in group '{group}'.");
        }

        var membership = new GroupMembership { GroupId = entity.Id, UserId = user.Id, CreatedAt = admin.Now };
        admin.Db.GroupMemberships.Add(membership);
        admin.Changed(ConfigEntityKinds.Group, entity.Id, ConfigOperation.Updated);
        await IdentityEndpoints.RecordConsumersOfUsersAsync(admin, organization.Id, [user.Id], null, ct);
        await admin.CommitAsync("group.member.add", org, Target(org, group) + "/" + user.NormalizedEmail, StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/groups/{group}/members/{user.Id}", new GroupMemberView(user.Id, user.Email, user.DisplayName, membership.CreatedAt));
    }

    private static async Task<IResult> RemoveMemberAsync(AdminContext admin, string org, string group, Guid userId, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "group.member.remove", Target(org, group), ct);
        var entity = await GroupAsync(admin, organization, group, ct);
        var membership = await admin.Db.GroupMemberships.Include(m => m.User).SingleOrDefaultAsync(m => m.GroupId == entity.Id && m.UserId == userId, ct)
            ?? throw new AdminNotFoundException($"User {userId} is not in group '{group}'.");
        admin.Db.GroupMemberships.Remove(membership);
        admin.Changed(ConfigEntityKinds.Group, entity.Id, ConfigOperation.Updated);
        await IdentityEndpoints.RecordConsumersOfUsersAsync(admin, organization.Id, [userId], null, ct);
        await admin.CommitAsync("group.member.remove", org, Target(org, group) + "/" + membership.User.NormalizedEmail, StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> ListAssignedAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "group.list", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        return Results.Ok(await Rows(admin.Db.Groups.AsNoTracking().Where(g => g.Projects.Any(p => p.ProjectId == entity.Id)).OrderBy(g => g.Slug))
            .ToPageAsync(request, r => r.View(), ct));
    }

    private static async Task<IResult> AssignAsync(AdminContext admin, string org, string project, string group, CancellationToken ct)
    {
        var target = Targets.InProject("group", org, project, group);
        var organization = await admin.AdministeredOrganizationAsync(org, "group.assign", target, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var groupEntity = await GroupAsync(admin, organization, group, ct);
        var existing = await admin.Db.ProjectGroups.SingleOrDefaultAsync(p => p.ProjectId == entity.Id && p.GroupId == groupEntity.Id, ct);
        if (existing is not null)
        {
            // Idempotent: nothing changes, but the request is still an audited mutation.
            await admin.CommitAsync("group.assign", org, target, StatusCodes.Status200OK, ct);
            return Results.Ok(new ProjectGroupView(project, group, existing.CreatedAt));
        }

        var assignment = new ProjectGroup { ProjectId = entity.Id, GroupId = groupEntity.Id, CreatedAt = admin.Now };
        admin.Db.ProjectGroups.Add(assignment);
        await RecordAssignmentChangeAsync(admin, organization, entity, groupEntity, ct);
        await admin.CommitAsync("group.assign", org, target, StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/projects/{project}/groups/{group}", new ProjectGroupView(project, group, assignment.CreatedAt));
    }

    private static async Task<IResult> UnassignAsync(AdminContext admin, string org, string project, string group, CancellationToken ct)
    {
        var target = Targets.InProject("group", org, project, group);
        var organization = await admin.AdministeredOrganizationAsync(org, "group.unassign", target, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var groupEntity = await GroupAsync(admin, organization, group, ct);
        var assignment = await admin.Db.ProjectGroups.SingleOrDefaultAsync(p => p.ProjectId == entity.Id && p.GroupId == groupEntity.Id, ct)
            ?? throw new AdminNotFoundException($"Group '{group}' is not assigned to project '{project}'.");
        admin.Db.ProjectGroups.Remove(assignment);
        await RecordAssignmentChangeAsync(admin, organization, entity, groupEntity, ct);
        await admin.CommitAsync("group.unassign", org, target, StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    private static async Task RecordAssignmentChangeAsync(AdminContext admin, Organization organization, Project project, Group group, CancellationToken ct)
    {
        admin.Changed(ConfigEntityKinds.Group, group.Id, ConfigOperation.Updated);
        var members = await admin.Db.GroupMemberships.Where(m => m.GroupId == group.Id).Select(m => m.UserId).ToListAsync(ct);
        await IdentityEndpoints.RecordConsumersOfUsersAsync(admin, organization.Id, members, [project.Id], ct);
    }

    private static List<string>? ValidateModels(Validation validation, IReadOnlyList<string>? models)
    {
        if (models is null)
        {
            return null;
        }

        if (models.Count > MaxAllowedModels)
        {
            validation.Add("allowedModels", $"must list at most {MaxAllowedModels} models.");
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>(models.Count);
        for (var i = 0; i < models.Count; i++)
        {
            validation.Required($"allowedModels[{i}]", models[i]);
            if (string.IsNullOrWhiteSpace(models[i]))
            {
                continue;
            }

            var model = models[i].Trim();
            if (seen.Add(model))
            {
                list.Add(model);
            }
            else
            {
                validation.Add($"allowedModels[{i}]", "is listed twice.");
            }
        }

        return list;
    }

    private static async Task<Group> GroupAsync(AdminContext admin, Organization organization, string slug, CancellationToken ct) =>
        await admin.Db.Groups.SingleOrDefaultAsync(g => g.OrganizationId == organization.Id && g.Slug == slug, ct) ?? throw NotFound(organization.Slug, slug);

    private static AdminNotFoundException NotFound(string org, string group) => new($"Group '{group}' does not exist in organization '{org}'.");

    private sealed record GroupRow(Group Group, List<string> Projects, int MemberCount)
    {
        public GroupView View() => new(Group.Id, Group.Slug, Group.Name, Group.IdpGroupClaim, Group.AllowedModels, Projects, MemberCount, Group.CreatedAt, Group.UpdatedAt);
    }
}
