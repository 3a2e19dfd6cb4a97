using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// A new consumer: a user's identity in the project (give <c>userEmail</c> of an organization member; the name
/// defaults to the e-mail's local part) or a service consumer for a machine client (give only <c>name</c>).
/// </summary>
public sealed record CreateConsumerRequest(string? Name = null, string? UserEmail = null);

/// <summary>A consumer as the API shows it.</summary>
public sealed record ConsumerView(Guid Id, string Name, string QualifiedName, Guid? UserId, string? UserEmail, DateTimeOffset CreatedAt);

/// <summary><c>/api/orgs/{org}/projects/{project}/consumers</c>.</summary>
public static class ConsumerEndpoints
{
    public static RouteGroupBuilder MapConsumerEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var consumers = api.MapGroup("/orgs/{org}/projects/{project}/consumers").WithTags("Consumers");
        consumers.MapGet("/", ListAsync).Produces<Page<ConsumerView>>();
        consumers.MapPost("/", CreateAsync).AcceptsJson<CreateConsumerRequest>().Produces<ConsumerView>(StatusCodes.Status201Created);
        consumers.MapGet("/{consumerId:guid}", GetAsync).Produces<ConsumerView>();
        consumers.MapDelete("/{consumerId:guid}", DeleteAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    internal static ConsumerView View(Consumer c, string org, string project) =>
        new(c.Id, c.Name, $"{org}.{project}.{c.Name}", c.UserId, c.User?.Email, c.CreatedAt);

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "consumer.list", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        return Results.Ok(await admin.Db.Consumers.AsNoTracking().Include(c => c.User).Where(c => c.ProjectId == entity.Id)
            .OrderBy(c => c.Name).ToPageAsync(request, c => View(c, org, project), ct));
    }

    private static async Task<IResult> CreateAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "consumer.create", Targets.Project(org, project), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var body = await AdminJson.ReadAsync<CreateConsumerRequest>(request, ct);
        User? user = null;
        if (body.UserEmail is not null)
        {
            var normalized = User.NormalizeEmail(body.UserEmail);
            user = await admin.Db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
            if (user is null || !await admin.Db.Memberships.AnyAsync(m => m.UserId == user.Id && m.OrganizationId == organization.Id, ct))
            {
                throw new AdminValidationException("userEmail", $"is not a member of organization '{org}'.");
            }

            if (await admin.Db.Consumers.AnyAsync(c => c.ProjectId == entity.Id && c.UserId == user.Id, ct))
            {
                throw new AdminConflictException($"{user.Email} already has a consumer in project '{project}'.");
            }
        }

        var name = body.Name ?? (user is null ? null : DefaultName(user.Email));
        if (name is null)
        {
            throw new AdminValidationException("name", "is required for a service consumer (or give userEmail).");
        }

        new Validation().Slug("name", name).ThrowIfInvalid();
        if (await admin.Db.Consumers.AnyAsync(c => c.ProjectId == entity.Id && c.Name == name, ct))
        {
            throw new AdminConflictException($"Consumer '{name}' already exists in project '{project}'.");
        }

        var consumer = new Consumer { ProjectId = entity.Id, UserId = user?.Id, Name = name, CreatedAt = admin.Now, User = user };
        admin.Db.Consumers.Add(consumer);
        admin.Changed(ConfigEntityKinds.Consumer, consumer.Id, ConfigOperation.Created);
        await admin.CommitAsync("consumer.create", org, Targets.InProject("consumer", org, project, name), StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/projects/{project}/consumers/{consumer.Id}", View(consumer, org, project));
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string project, Guid consumerId, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "consumer.read", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var consumer = await admin.Db.Consumers.AsNoTracking().Include(c => c.User).SingleOrDefaultAsync(c => c.Id == consumerId && c.ProjectId == entity.Id, ct)
            ?? throw new AdminNotFoundException($"Consumer {consumerId} does not exist in project '{project}'.");
        return Results.Ok(View(consumer, org, project));
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string org, string project, Guid consumerId, CancellationToken ct)
    {
        var target = Targets.InProject("consumer", org, project, consumerId.ToString());
        var organization = await admin.AdministeredOrganizationAsync(org, "consumer.delete", target, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var consumer = await admin.Db.Consumers.SingleOrDefaultAsync(c => c.Id == consumerId && c.ProjectId == entity.Id, ct)
            ?? throw new AdminNotFoundException($"Consumer {consumerId} does not exist in project '{project}'.");
        await ProjectEndpoints.RecordCascadeAsync(admin, c => c.Id == consumer.Id, ct);
        admin.Db.Consumers.Remove(consumer);
        await admin.CommitAsync("consumer.delete", org, Targets.InProject("consumer", org, project, consumer.Name), StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    /// <summary>A slug from an e-mail's local part: <c>Alice.Smith@x</c> → <c>alice-smith</c>.</summary>
    internal static string DefaultName(string email)
    {
        var local = email.Split('@')[0].ToLowerInvariant();
        var chars = local.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray();
        var name = new string(chars).Trim('-');
        while (name.Contains("--", StringComparison.Ordinal))
        {
            name = name.Replace("--", "-", StringComparison.Ordinal);
        }

        return name.Length == 0 ? "user" : name[..Math.Min(name.Length, 63)].TrimEnd('-');
    }
}
