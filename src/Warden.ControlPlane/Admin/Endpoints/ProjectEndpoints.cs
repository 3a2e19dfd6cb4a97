using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A new project.</summary>
public sealed record CreateProjectRequest(string Slug, string Name, string? Description = null);

/// <summary>Changes to a project (the slug is immutable).</summary>
public sealed record UpdateProjectRequest(string? Name = null, string? Description = null);

/// <summary>A project as the API shows it.</summary>
public sealed record ProjectView(Guid Id, string Slug, string Name, string? Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ProjectView From(Project p) => new(p.Id, p.Slug, p.Name, p.Description, p.CreatedAt, p.UpdatedAt);
}

/// <summary><c>/api/orgs/{org}/projects</c>: org admins (own org) and platform admins.</summary>
public static class ProjectEndpoints
{
    public static RouteGroupBuilder MapProjectEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var projects = api.MapGroup("/orgs/{org}/projects").WithTags("Projects");
        projects.MapGet("/", ListAsync).Produces<Page<ProjectView>>();
        projects.MapPost("/", CreateAsync).AcceptsJson<CreateProjectRequest>().Produces<ProjectView>(StatusCodes.Status201Created);
        projects.MapGet("/{project}", GetAsync).Produces<ProjectView>();
        projects.MapPatch("/{project}", UpdateAsync).AcceptsJson<UpdateProjectRequest>().Produces<ProjectView>();
        projects.MapDelete("/{project}", DeleteAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "project.list", null, ct);
        return Results.Ok(await admin.Db.Projects.AsNoTracking().Where(p => p.OrganizationId == organization.Id)
            .OrderBy(p => p.Slug).ToPageAsync(request, ProjectView.From, ct));
    }

    private static async Task<IResult> CreateAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "project.create", Targets.Organization(org), ct);
        var body = await AdminJson.ReadAsync<CreateProjectRequest>(request, ct);
        new Validation().Slug("slug", body.Slug).Required("name", body.Name).MaxLength("description", body.Description, 2000).ThrowIfInvalid();
        if (await admin.Db.Projects.AnyAsync(p => p.OrganizationId == organization.Id && p.Slug == body.Slug, ct))
        {
            throw new AdminConflictException($"Project '{body.Slug}' already exists in organization '{org}'.");
        }

        var project = new Project
        {
            OrganizationId = organization.Id,
            Slug = body.Slug,
            Name = body.Name.Trim(),
            Description = body.Description,
            CreatedAt = admin.Now,
            UpdatedAt = admin.Now,
        };
        admin.Db.Projects.Add(project);
        admin.Changed(ConfigEntityKinds.Project, project.Id, ConfigOperation.Created);
        await admin.CommitAsync("project.create", org, Targets.Project(org, project.Slug), StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/projects/{project.Slug}", ProjectView.From(project));
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "project.read", Targets.Project(org, project), ct);
        return Results.Ok(ProjectView.From(await admin.ProjectAsync(organization, project, ct)));
    }

    private static async Task<IResult> UpdateAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "project.update", Targets.Project(org, project), ct);
        var body = await AdminJson.ReadAsync<UpdateProjectRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var validation = new Validation().MaxLength("description", body.Description, 2000);
        if (body.Name is not null)
        {
            validation.Required("name", body.Name);
        }

        validation.ThrowIfInvalid();
        entity.Name = body.Name?.Trim() ?? entity.Name;
        entity.Description = body.Description ?? entity.Description;
        entity.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.Project, entity.Id, ConfigOperation.Updated);
        await admin.CommitAsync("project.update", org, Targets.Project(org, project), StatusCodes.Status200OK, ct);
        return Results.Ok(ProjectView.From(entity));
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "project.delete", Targets.Project(org, project), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        await RecordCascadeAsync(admin, c => c.ProjectId == entity.Id, ct);
        admin.Db.Projects.Remove(entity);
        admin.Changed(ConfigEntityKinds.Project, entity.Id, ConfigOperation.Deleted);
        await admin.CommitAsync("project.delete", org, Targets.Project(org, project), StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    /// <summary>
    /// Records the consumers and keys a delete removes by cascade, so the gateways' key sets lose them as deltas too.
    /// </summary>
    internal static async Task RecordCascadeAsync(AdminContext admin, System.Linq.Expressions.Expression<Func<Consumer, bool>> consumers, CancellationToken ct)
    {
        var doomed = await admin.Db.Consumers.AsNoTracking().Where(consumers)
            .Select(c => new { c.Id, Keys = c.ApiKeys.Select(k => k.Id).ToList() }).ToListAsync(ct);
        foreach (var consumer in doomed)
        {
            admin.Changed(ConfigEntityKinds.Consumer, consumer.Id, ConfigOperation.Deleted);
            foreach (var key in consumer.Keys)
            {
                admin.Changed(ConfigEntityKinds.ApiKey, key, ConfigOperation.Deleted);
            }
        }
    }
}
