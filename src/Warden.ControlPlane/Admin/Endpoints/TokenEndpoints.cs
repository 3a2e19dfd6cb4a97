using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// A new personal access token. <c>role</c> defaults to the highest role the caller holds (in <c>organization</c>,
/// when the token is limited to one) and may not exceed it.
/// </summary>
public sealed record CreatePersonalTokenRequest(string Name, AccessTokenRole? Role = null, string? Organization = null, DateTimeOffset? ExpiresAt = null);

/// <summary>A new service token of an organization for a machine client: role <c>member</c> or <c>org_admin</c>.</summary>
public sealed record CreateServiceTokenRequest(string Name, AccessTokenRole Role = AccessTokenRole.Member, DateTimeOffset? ExpiresAt = null);

/// <summary>A new platform service token (acts as a platform admin; no user behind it).</summary>
public sealed record CreatePlatformTokenRequest(string Name, DateTimeOffset? ExpiresAt = null);

/// <summary>An access token as lists show it: its public prefix, never the secret.</summary>
public sealed record AccessTokenView(Guid Id, string Prefix, string Name, AccessTokenRole Role, string? Organization, string? Owner, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>A token just created: the only response that ever carries the full token.</summary>
public sealed record CreatedAccessTokenView(Guid Id, string Token, string Prefix, string Name, AccessTokenRole Role, string? Organization, string? Owner,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>
/// Admin-API access tokens (<c>wat_…</c>, shown once, stored hashed): personal tokens at <c>/api/me/tokens</c> (and
/// issued by platform admins at <c>/api/users/{email}/tokens</c>), organization service tokens at
/// <c>/api/orgs/{org}/tokens</c>, platform service tokens at <c>/api/platform/tokens</c>. A token never acts above its
/// owner's current rights (see <see cref="AdminAuthenticator"/>); creation refuses roles above them up front.
/// </summary>
public static class TokenEndpoints
{
    public static RouteGroupBuilder MapTokenEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var mine = api.MapGroup("/me/tokens").WithTags("Access tokens");
        mine.MapGet("/", ListMineAsync).Produces<Page<AccessTokenView>>();
        mine.MapPost("/", CreateMineAsync).AcceptsJson<CreatePersonalTokenRequest>().Produces<CreatedAccessTokenView>(StatusCodes.Status201Created);
        mine.MapPost("/{tokenId:guid}/revoke", RevokeMineAsync).Produces<AccessTokenView>();

        var organization = api.MapGroup("/orgs/{org}/tokens").WithTags("Access tokens");
        organization.MapGet("/", ListOrganizationAsync).Produces<Page<AccessTokenView>>();
        organization.MapPost("/", CreateOrganizationAsync).AcceptsJson<CreateServiceTokenRequest>().Produces<CreatedAccessTokenView>(StatusCodes.Status201Created);
        organization.MapPost("/{tokenId:guid}/revoke", RevokeOrganizationAsync).Produces<AccessTokenView>();

        var platform = api.MapGroup("/platform/tokens").WithTags("Access tokens");
        platform.MapGet("/", ListPlatformAsync).Produces<Page<AccessTokenView>>();
        platform.MapPost("/", CreatePlatformAsync).AcceptsJson<CreatePlatformTokenRequest>().Produces<CreatedAccessTokenView>(StatusCodes.Status201Created);
        platform.MapPost("/{tokenId:guid}/revoke", RevokeAnyAsync).Produces<AccessTokenView>();

        var users = api.MapGroup("/users/{email}/tokens").WithTags("Access tokens");
        users.MapGet("/", ListUserAsync).Produces<Page<AccessTokenView>>();
        users.MapPost("/", CreateForUserAsync).AcceptsJson<CreatePersonalTokenRequest>().Produces<CreatedAccessTokenView>(StatusCodes.Status201Created);
        return api;
    }

    private static string Target(string prefix) => "token:" + prefix;

    // ---- personal tokens of the caller -------------------------------------------------------------------------

    private static async Task<IResult> ListMineAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        var userId = RequireUser(admin, "token.list");
        return Results.Ok(await Rows(admin, admin.Db.AccessTokens.Where(t => t.OwnerUserId == userId)).ToPageAsync(request, r => r.View(admin.Now), ct));
    }

    private static async Task<IResult> CreateMineAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        var userId = RequireUser(admin, "token.create");
        var body = await AdminJson.ReadAsync<CreatePersonalTokenRequest>(request, ct);
        var user = await admin.Db.Users.SingleAsync(u => u.Id == userId, ct);
        var principal = admin.Principal;
        var (role, scope) = await ResolvePersonalRoleAsync(admin, body, principal.IsPlatformAdmin, principal.Organizations, ct);
        if (role is null)
        {
            throw new AdminDeniedException("token.create", scope?.Slug, Target("personal"),
                $"A token may not have the role '{RoleName(body.Role!.Value)}': it is above the role you hold{(scope is null ? "" : $" in organization '{scope.Slug}'")}.");
        }

        return await IssueAsync(admin, body.Name, role.Value, scope, user, body.ExpiresAt, "/api/me/tokens", ct);
    }

    private static async Task<IResult> RevokeMineAsync(AdminContext admin, Guid tokenId, CancellationToken ct)
    {
        var userId = RequireUser(admin, "token.revoke");
        var token = await admin.Db.AccessTokens.Include(t => t.OwnerUser).SingleOrDefaultAsync(t => t.Id == tokenId && t.OwnerUserId == userId, ct)
            ?? throw NotFound(tokenId);
        return await RevokeAsync(admin, token, null, ct);
    }

    // ---- service tokens of an organization ---------------------------------------------------------------------

    private static async Task<IResult> ListOrganizationAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "token.list", null, ct);
        return Results.Ok(await Rows(admin, admin.Db.AccessTokens.Where(t => t.OrganizationId == organization.Id && t.OwnerUserId == null))
            .ToPageAsync(request, r => r.View(admin.Now), ct));
    }

    private static async Task<IResult> CreateOrganizationAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "token.create", Targets.Organization(org), ct);
        var body = await AdminJson.ReadAsync<CreateServiceTokenRequest>(request, ct);
        if (body.Role == AccessTokenRole.PlatformAdmin)
        {
            throw new AdminValidationException("role", "must be member or org_admin for an organization's service token.");
        }

        return await IssueAsync(admin, body.Name, body.Role, organization, null, body.ExpiresAt, $"/api/orgs/{org}/tokens", ct);
    }

    private static async Task<IResult> RevokeOrganizationAsync(AdminContext admin, string org, Guid tokenId, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "token.revoke", Targets.Organization(org), ct);
        var token = await admin.Db.AccessTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.OrganizationId == organization.Id && t.OwnerUserId == null, ct)
            ?? throw NotFound(tokenId);
        return await RevokeAsync(admin, token, organization, ct);
    }

    // ---- platform: service tokens, any token, tokens for a user -------------------------------------------------

    private static async Task<IResult> ListPlatformAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("token.list");
        return Results.Ok(await Rows(admin, admin.Db.AccessTokens.Where(t => t.OwnerUserId == null && t.OrganizationId == null))
            .ToPageAsync(request, r => r.View(admin.Now), ct));
    }

    private static async Task<IResult> CreatePlatformAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("token.create", null, Target("platform"));
        var body = await AdminJson.ReadAsync<CreatePlatformTokenRequest>(request, ct);
        return await IssueAsync(admin, body.Name, AccessTokenRole.PlatformAdmin, null, null, body.ExpiresAt, "/api/platform/tokens", ct);
    }

    /// <summary>Platform admins may revoke any token (a leaked personal token included).</summary>
    private static async Task<IResult> RevokeAnyAsync(AdminContext admin, Guid tokenId, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("token.revoke", null, Target(tokenId.ToString()));
        var token = await admin.Db.AccessTokens.SingleOrDefaultAsync(t => t.Id == tokenId, ct) ?? throw NotFound(tokenId);
        return await RevokeAsync(admin, token, null, ct);
    }

    private static async Task<IResult> ListUserAsync(AdminContext admin, HttpRequest request, string email, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("token.list");
        var user = await IdentityEndpoints.FindUserAsync(admin, email, ct) ?? throw new AdminNotFoundException($"User '{email}' does not exist.");
        return Results.Ok(await Rows(admin, admin.Db.AccessTokens.Where(t => t.OwnerUserId == user.Id)).ToPageAsync(request, r => r.View(admin.Now), ct));
    }

    /// <summary>How a user gets an admin-API credential before sign-in through an identity provider exists.</summary>
    private static async Task<IResult> CreateForUserAsync(AdminContext admin, HttpRequest request, string email, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("token.create", null, "user:" + User.NormalizeEmail(email));
        var user = await IdentityEndpoints.FindUserAsync(admin, email, ct) ?? throw new AdminNotFoundException($"User '{email}' does not exist; invite them to an organization first.");
        var body = await AdminJson.ReadAsync<CreatePersonalTokenRequest>(request, ct);
        var (isPlatformAdmin, organizations) = await AdminAuthenticator.LoadUserRightsAsync(admin.Db, user, ct);
        var (role, scope) = await ResolvePersonalRoleAsync(admin, body, isPlatformAdmin, organizations, ct);
        if (role is null)
        {
            throw new AdminValidationException("role", $"is above the highest role {user.Email} holds{(scope is null ? "" : $" in organization '{scope.Slug}'")}.");
        }

        return await IssueAsync(admin, body.Name, role.Value, scope, user, body.ExpiresAt, $"/api/users/{Uri.EscapeDataString(user.Email)}/tokens", ct);
    }

    // ---- shared ------------------------------------------------------------------------------------------------

    private static Guid RequireUser(AdminContext admin, string action) =>
        admin.Principal.UserId ?? throw new AdminDeniedException(action, null, Target("personal"),
            "Personal tokens belong to a user; this credential has none (the bootstrap token or a service token). Use a service token instead.");

    /// <summary>
    /// The role of a new personal token and the organization it is limited to. The ceiling is the holder's highest
    /// role (in the organization, when limited to one); the role defaults to the ceiling. Null role: above the ceiling.
    /// </summary>
    private static async Task<(AccessTokenRole? Role, Organization? Scope)> ResolvePersonalRoleAsync(AdminContext admin, CreatePersonalTokenRequest body,
        bool isPlatformAdmin, IReadOnlyDictionary<Guid, MembershipRole> organizations, CancellationToken ct)
    {
        Organization? scope = null;
        if (body.Organization is not null)
        {
            scope = await admin.Db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Slug == body.Organization, ct);
            if (scope is null || !(isPlatformAdmin || organizations.ContainsKey(scope.Id)))
            {
                throw new AdminValidationException("organization", "is not an organization the token's holder belongs to.");
            }

            if (body.Role == AccessTokenRole.PlatformAdmin)
            {
                throw new AdminValidationException("role", "platform_admin cannot be limited to one organization.");
            }
        }

        var ceiling = scope is not null
            ? isPlatformAdmin || organizations[scope.Id] == MembershipRole.OrgAdmin ? AccessTokenRole.OrgAdmin : AccessTokenRole.Member
            : isPlatformAdmin ? AccessTokenRole.PlatformAdmin
            : organizations.Values.Any(r => r == MembershipRole.OrgAdmin) ? AccessTokenRole.OrgAdmin
            : AccessTokenRole.Member;
        var role = body.Role ?? ceiling;
        return (Rank(role) <= Rank(ceiling) ? role : null, scope);
    }

    private static async Task<IResult> IssueAsync(AdminContext admin, string name, AccessTokenRole role, Organization? scope, User? owner,
        DateTimeOffset? expiresAt, string location, CancellationToken ct)
    {
        var validation = new Validation().Required("name", name);
        if (expiresAt is { } expiry && expiry <= admin.Now)
        {
            validation.Add("expiresAt", "must be in the future.");
        }

        validation.ThrowIfInvalid();
        var (secret, publicId, hash) = AccessTokenFormat.Generate();
        var token = new AccessToken
        {
            PublicId = publicId,
            SecretHash = hash,
            OwnerUserId = owner?.Id,
            OrganizationId = scope?.Id,
            Name = name.Trim(),
            Role = role,
            CreatedAt = admin.Now,
            ExpiresAt = expiresAt?.ToUniversalTime(),
        };
        admin.Db.AccessTokens.Add(token);
        var prefix = Prefix(token);
        await admin.CommitAsync("token.create", scope?.Slug, Target(prefix) + (owner is null ? "" : " user:" + owner.NormalizedEmail), StatusCodes.Status201Created, ct);
        return Results.Created($"{location}/{token.Id}", new CreatedAccessTokenView(
            token.Id, secret, prefix, token.Name, token.Role, scope?.Slug, owner?.Email, token.CreatedAt, token.ExpiresAt));
    }

    private static async Task<IResult> RevokeAsync(AdminContext admin, AccessToken token, Organization? organization, CancellationToken ct)
    {
        if (token.RevokedAt is not null)
        {
            throw new AdminConflictException($"Token {Prefix(token)} is already revoked.");
        }

        token.RevokedAt = admin.Now;
        await admin.CommitAsync("token.revoke", organization?.Slug, Target(Prefix(token)), StatusCodes.Status200OK, ct);
        var row = await Rows(admin, admin.Db.AccessTokens.Where(t => t.Id == token.Id)).SingleAsync(ct);
        return Results.Ok(row.View(admin.Now));
    }

    private static IQueryable<TokenRow> Rows(AdminContext admin, IQueryable<AccessToken> tokens) => tokens.AsNoTracking()
        .OrderBy(t => t.CreatedAt).ThenBy(t => t.PublicId)
        .Select(t => new TokenRow(t, admin.Db.Organizations.Where(o => o.Id == t.OrganizationId).Select(o => o.Slug).FirstOrDefault(), t.OwnerUser!.Email));

    private static string Prefix(AccessToken token) => AccessTokenFormat.Prefix + token.PublicId;

    private static int Rank(AccessTokenRole role) => role switch
    {
        AccessTokenRole.Member => 0,
        AccessTokenRole.OrgAdmin => 1,
        AccessTokenRole.PlatformAdmin => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    private static string RoleName(AccessTokenRole role) => role switch
    {
        AccessTokenRole.Member => "member",
        AccessTokenRole.OrgAdmin => "org_admin",
        _ => "platform_admin",
    };

    private static AdminNotFoundException NotFound(Guid tokenId) => new($"Token {tokenId} does not exist.");

    private sealed record TokenRow(AccessToken Token, string? Organization, string? Owner)
    {
        public AccessTokenView View(DateTimeOffset now) => new(
            Token.Id, Prefix(Token), Token.Name, Token.Role, Organization, Owner,
            Token.RevokedAt is not null ? "revoked" : Token.ExpiresAt <= now ? "expired" : "active",
            Token.CreatedAt, Token.ExpiresAt, Token.LastUsedAt, Token.RevokedAt);
    }
}
