using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>An invitation: the user is created when no user has this e-mail address yet (users are global).</summary>
public sealed record InviteMemberRequest(string Email, MembershipRole Role = MembershipRole.Member, string? DisplayName = null);

/// <summary>A new role for a member.</summary>
public sealed record UpdateMemberRequest(MembershipRole Role);

/// <summary>A member of an organization as the API shows it.</summary>
public sealed record MemberView(Guid UserId, string Email, string DisplayName, MembershipRole Role, DateTimeOffset MemberSince, DateTimeOffset? LastLoginAt)
{
    public static MemberView From(Membership m) => new(m.UserId, m.User.Email, m.User.DisplayName, m.Role, m.CreatedAt, m.User.LastLoginAt);
}

/// <summary>
/// <c>/api/orgs/{org}/members</c>: org admins manage the members of their organization, platform admins of any.
/// Granting or taking away <c>org_admin</c> (including removing an org admin) is for platform admins only.
/// </summary>
public static class MemberEndpoints
{
    public static RouteGroupBuilder MapMemberEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var members = api.MapGroup("/orgs/{org}/members").WithTags("Members");
        members.MapGet("/", ListAsync).Produces<Page<MemberView>>();
        members.MapPost("/", InviteAsync).AcceptsJson<InviteMemberRequest>().Produces<MemberView>(StatusCodes.Status201Created);
        members.MapGet("/{userId:guid}", GetAsync).Produces<MemberView>();
        members.MapPatch("/{userId:guid}", UpdateAsync).AcceptsJson<UpdateMemberRequest>().Produces<MemberView>();
        members.MapDelete("/{userId:guid}", RemoveAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static string Target(string org, string who) => Targets.InOrganization("member", org, who);

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "member.list", null, ct);
        return Results.Ok(await admin.Db.Memberships.AsNoTracking().Include(m => m.User).Where(m => m.OrganizationId == organization.Id)
            .OrderBy(m => m.User.NormalizedEmail).ToPageAsync(request, MemberView.From, ct));
    }

    private static async Task<IResult> InviteAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "member.add", Targets.Organization(org), ct);
        var body = await AdminJson.ReadAsync<InviteMemberRequest>(request, ct);
        var validation = new Validation().MaxLength("displayName", body.DisplayName, 200);
        if (!IdentityEndpoints.IsEmail(body.Email))
        {
            validation.Add("email", "must be an e-mail address.");
        }

        if (body.DisplayName is not null)
        {
            validation.Required("displayName", body.DisplayName);
        }

        validation.ThrowIfInvalid();
        var email = body.Email.Trim();
        var target = Target(org, User.NormalizeEmail(email));
        if (body.Role == MembershipRole.OrgAdmin)
        {
            admin.RequirePlatformAdmin("member.add", org, target);
        }

        var user = await IdentityEndpoints.FindUserAsync(admin, email, ct);
        if (user is null)
        {
            user = new User { Email = email, DisplayName = body.DisplayName?.Trim() ?? email.Split('@')[0], CreatedAt = admin.Now };
            admin.Db.Users.Add(user);
        }
        else if (await admin.Db.Memberships.AnyAsync(m => m.UserId == user.Id && m.OrganizationId == organization.Id, ct))
        {
            throw new AdminConflictException($"{user.Email} is already a member of organization '{org}'.");
        }

        var membership = new Membership { UserId = user.Id, OrganizationId = organization.Id, Role = body.Role, CreatedAt = admin.Now, User = user };
        admin.Db.Memberships.Add(membership);
        await admin.CommitAsync("member.add", org, target, StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/members/{user.Id}", MemberView.From(membership));
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, Guid userId, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "member.read", null, ct);
        return Results.Ok(MemberView.From(await MembershipAsync(admin, organization, userId, ct)));
    }

    private static async Task<IResult> UpdateAsync(AdminContext admin, HttpRequest request, string org, Guid userId, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "member.update", Target(org, userId.ToString()), ct);
        var membership = await MembershipAsync(admin, organization, userId, ct);
        var body = await AdminJson.ReadAsync<UpdateMemberRequest>(request, ct);
        var target = Target(org, membership.User.NormalizedEmail);
        if (body.Role != membership.Role && (body.Role == MembershipRole.OrgAdmin || membership.Role == MembershipRole.OrgAdmin))
        {
            admin.RequirePlatformAdmin("member.update", org, target);
        }

        membership.Role = body.Role;
        await admin.CommitAsync("member.update", org, target, StatusCodes.Status200OK, ct);
        return Results.Ok(MemberView.From(membership));
    }

    /// <summary>
    /// Removes the membership, the user's group memberships in the organization, and revokes the user's API keys in
    /// its projects: a person who left the organization must not keep calling models on its account. The consumers
    /// stay, so past usage remains attributed.
    /// </summary>
    private static async Task<IResult> RemoveAsync(AdminContext admin, string org, Guid userId, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "member.remove", Target(org, userId.ToString()), ct);
        var membership = await MembershipAsync(admin, organization, userId, ct);
        var target = Target(org, membership.User.NormalizedEmail);
        if (membership.Role == MembershipRole.OrgAdmin)
        {
            admin.RequirePlatformAdmin("member.remove", org, target);
        }

        var groupMemberships = await admin.Db.GroupMemberships.Where(gm => gm.UserId == userId && gm.Group.OrganizationId == organization.Id).ToListAsync(ct);
        foreach (var groupId in groupMemberships.Select(gm => gm.GroupId).Distinct())
        {
            admin.Changed(ConfigEntityKinds.Group, groupId, ConfigOperation.Updated);
        }

        admin.Db.GroupMemberships.RemoveRange(groupMemberships);
        if (groupMemberships.Count > 0)
        {
            await IdentityEndpoints.RecordConsumersOfUsersAsync(admin, organization.Id, [userId], null, ct);
        }

        var keys = await admin.Db.ApiKeys
            .Where(k => k.Consumer.UserId == userId && k.Consumer.Project.OrganizationId == organization.Id && k.RevokedAt == null)
            .ToListAsync(ct);
        foreach (var key in keys)
        {
            KeyEndpoints.Revoke(admin, key);
        }

        admin.Db.Memberships.Remove(membership);
        await admin.CommitAsync("member.remove", org, target, StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    private static async Task<Membership> MembershipAsync(AdminContext admin, Organization organization, Guid userId, CancellationToken ct) =>
        await admin.Db.Memberships.Include(m => m.User).SingleOrDefaultAsync(m => m.OrganizationId == organization.Id && m.UserId == userId, ct)
        ?? throw new AdminNotFoundException($"User {userId} is not a member of organization '{organization.Slug}'.");
}
