using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>Which ways of signing in the platform offers.</summary>
public sealed record LoginMethodsRequest(bool LocalLogin);

/// <summary>The platform's sign-in methods; <c>updatedAt</c> is null while the defaults apply.</summary>
public sealed record LoginMethodsView(bool LocalLogin, DateTimeOffset? UpdatedAt);

/// <summary>A platform-admin grant: an e-mail address or an identity-provider group (exactly one).</summary>
public sealed record GrantPlatformAdminRequest(string? Email = null, string? IdpGroup = null, bool BreakGlass = false);

/// <summary>A platform-admin grant as the API shows it.</summary>
public sealed record PlatformAdminView(Guid Id, PlatformAdminGrantKind Kind, string Value, bool BreakGlass, DateTimeOffset CreatedAt)
{
    public static PlatformAdminView From(PlatformAdminGrant g) => new(g.Id, g.Kind, g.Value, g.IsBreakGlass, g.CreatedAt);
}

/// <summary><c>/api/platform/login-methods</c> and <c>/api/platform/admins</c>: platform admins only.</summary>
public static class PlatformEndpoints
{
    /// <summary>The <see cref="PlatformSetting"/> key of the sign-in methods.</summary>
    public const string LoginMethodsKey = "auth.login_methods";

    public static RouteGroupBuilder MapPlatformEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var platform = api.MapGroup("/platform").WithTags("Platform");
        platform.MapGet("/login-methods", GetLoginMethodsAsync).Produces<LoginMethodsView>();
        platform.MapPut("/login-methods", PutLoginMethodsAsync).AcceptsJson<LoginMethodsRequest>().Produces<LoginMethodsView>();
        platform.MapGet("/admins", ListAdminsAsync).Produces<Page<PlatformAdminView>>();
        platform.MapPost("/admins", GrantAdminAsync).AcceptsJson<GrantPlatformAdminRequest>().Produces<PlatformAdminView>(StatusCodes.Status201Created);
        platform.MapDelete("/admins/{id:guid}", RevokeAdminAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    /// <summary>The current sign-in methods; local login is on until a platform admin switches it off (SPEC ID-4).</summary>
    public static async Task<LoginMethodsView> ReadLoginMethodsAsync(WardenDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var setting = await db.PlatformSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Key == LoginMethodsKey, ct);
        if (setting is null)
        {
            return new LoginMethodsView(LocalLogin: true, UpdatedAt: null);
        }

        var stored = JsonSerializer.Deserialize<LoginMethodsRequest>(setting.Value, AdminJson.Options);
        return new LoginMethodsView(stored?.LocalLogin ?? true, setting.UpdatedAt);
    }

    private static async Task<IResult> GetLoginMethodsAsync(AdminContext admin, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("platform.login_methods.read");
        return Results.Ok(await ReadLoginMethodsAsync(admin.Db, ct));
    }

    private static async Task<IResult> PutLoginMethodsAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("platform.login_methods.update", null, "platform:login-methods");
        var body = await AdminJson.ReadAsync<LoginMethodsRequest>(request, ct);
        var value = JsonSerializer.Serialize(body, AdminJson.Options);
        var setting = await admin.Db.PlatformSettings.SingleOrDefaultAsync(s => s.Key == LoginMethodsKey, ct);
        if (setting is null)
        {
            admin.Db.PlatformSettings.Add(new PlatformSetting { Key = LoginMethodsKey, Value = value, UpdatedAt = admin.Now });
        }
        else
        {
            setting.Value = value;
            setting.UpdatedAt = admin.Now;
        }

        await admin.CommitAsync("platform.login_methods.update", null, "platform:login-methods", StatusCodes.Status200OK, ct);
        return Results.Ok(new LoginMethodsView(body.LocalLogin, admin.Now));
    }

    private static async Task<IResult> ListAdminsAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("platform.admin.list");
        return Results.Ok(await admin.Db.PlatformAdminGrants.AsNoTracking().OrderBy(g => g.Kind).ThenBy(g => g.Value)
            .ToPageAsync(request, PlatformAdminView.From, ct));
    }

    private static async Task<IResult> GrantAdminAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("platform.admin.grant", null, "platform-admin");
        var body = await AdminJson.ReadAsync<GrantPlatformAdminRequest>(request, ct);
        var validation = new Validation();
        if ((body.Email is null) == (body.IdpGroup is null))
        {
            validation.Add("email", "give exactly one of email or idpGroup.");
        }
        else if (body.Email is not null && !IdentityEndpoints.IsEmail(body.Email))
        {
            validation.Add("email", "must be an e-mail address.");
        }
        else if (body.IdpGroup is not null)
        {
            validation.Required("idpGroup", body.IdpGroup, 320);
        }

        validation.ThrowIfInvalid();
        var grant = new PlatformAdminGrant
        {
            Kind = body.Email is not null ? PlatformAdminGrantKind.Email : PlatformAdminGrantKind.IdpGroup,
            Value = body.Email is not null ? User.NormalizeEmail(body.Email) : body.IdpGroup!.Trim(),
            IsBreakGlass = body.BreakGlass,
            CreatedAt = admin.Now,
        };
        if (await admin.Db.PlatformAdminGrants.AnyAsync(g => g.Kind == grant.Kind && g.Value == grant.Value, ct))
        {
            throw new AdminConflictException($"'{grant.Value}' is already a platform admin.");
        }

        admin.Db.PlatformAdminGrants.Add(grant);
        await admin.CommitAsync("platform.admin.grant", null, "platform-admin:" + grant.Value, StatusCodes.Status201Created, ct);
        return Results.Created($"/api/platform/admins/{grant.Id}", PlatformAdminView.From(grant));
    }

    private static async Task<IResult> RevokeAdminAsync(AdminContext admin, Guid id, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("platform.admin.revoke", null, "platform-admin:" + id);
        var grant = await admin.Db.PlatformAdminGrants.SingleOrDefaultAsync(g => g.Id == id, ct)
            ?? throw new AdminNotFoundException($"Platform-admin grant {id} does not exist.");
        admin.Db.PlatformAdminGrants.Remove(grant);
        await admin.CommitAsync("platform.admin.revoke", null, "platform-admin:" + grant.Value, StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }
}
