using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A new organization.</summary>
public sealed record CreateOrganizationRequest(string Slug, string Name);

/// <summary>Changes to an organization (the slug is immutable).</summary>
public sealed record UpdateOrganizationRequest(string? Name);

/// <summary>An organization as the API shows it.</summary>
public sealed record OrganizationView(Guid Id, string Slug, string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static OrganizationView From(Organization o) => new(o.Id, o.Slug, o.Name, o.CreatedAt, o.UpdatedAt);
}

/// <summary><c>/api/orgs</c>: platform admins create and delete organizations; org admins rename their own.</summary>
public static class OrganizationEndpoints
{
    public static RouteGroupBuilder MapOrganizationEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var orgs = api.MapGroup("/orgs").WithTags("Organizations");
        orgs.MapGet("/", ListAsync).Produces<Page<OrganizationView>>();
        orgs.MapPost("/", CreateAsync).AcceptsJson<CreateOrganizationRequest>().Produces<OrganizationView>(StatusCodes.Status201Created);
        orgs.MapGet("/{org}", GetAsync).Produces<OrganizationView>();
        orgs.MapPatch("/{org}", UpdateAsync).AcceptsJson<UpdateOrganizationRequest>().Produces<OrganizationView>();
        orgs.MapDelete("/{org}", DeleteAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        var query = admin.Db.Organizations.AsNoTracking();
        if (!admin.Principal.IsPlatformAdmin)
        {
            var mine = admin.Principal.Organizations.Keys.ToList();
            query = query.Where(o => mine.Contains(o.Id));
        }

        return Results.Ok(await query.OrderBy(o => o.Slug).ToPageAsync(request, OrganizationView.From, ct));
    }

    private static async Task<IResult> CreateAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("org.create");
        var body = await AdminJson.ReadAsync<CreateOrganizationRequest>(request, ct);
        new Validation().Slug("slug", body.Slug).Required("name", body.Name).ThrowIfInvalid();
        if (await admin.Db.Organizations.AnyAsync(o => o.Slug == body.Slug, ct))
        {
            throw new AdminConflictException($"Organization '{body.Slug}' already exists.");
        }

        var organization = new Organization { Slug = body.Slug, Name = body.Name.Trim(), CreatedAt = admin.Now, UpdatedAt = admin.Now };
        admin.Db.Organizations.Add(organization);
        admin.Changed(ConfigEntityKinds.Organization, organization.Id, ConfigOperation.Created);
        await admin.CommitAsync("org.create", organization.Slug, Targets.Organization(organization.Slug), StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{organization.Slug}", OrganizationView.From(organization));
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, CancellationToken ct)
    {
        var organization = await admin.MemberOrganizationAsync(org, "org.read", ct);
        return Results.Ok(OrganizationView.From(organization));
    }

    private static async Task<IResult> UpdateAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "org.update", Targets.Organization(org), ct);
        var body = await AdminJson.ReadAsync<UpdateOrganizationRequest>(request, ct);
        var validation = new Validation();
        if (body.Name is not null)
        {
            validation.Required("name", body.Name);
        }

        validation.ThrowIfInvalid();
        organization.Name = body.Name?.Trim() ?? organization.Name;
        organization.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.Organization, organization.Id, ConfigOperation.Updated);
        await admin.CommitAsync("org.update", org, Targets.Organization(org), StatusCodes.Status200OK, ct);
        return Results.Ok(OrganizationView.From(organization));
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string org, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("org.delete", org, Targets.Organization(org));
        var organization = await admin.AdministeredOrganizationAsync(org, "org.delete", Targets.Organization(org), ct);
        await ProjectEndpoints.RecordCascadeAsync(admin, c => c.Project.OrganizationId == organization.Id, ct);
        admin.Db.Organizations.Remove(organization);
        admin.Changed(ConfigEntityKinds.Organization, organization.Id, ConfigOperation.Deleted);
        await admin.CommitAsync("org.delete", org, Targets.Organization(org), StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }
}
