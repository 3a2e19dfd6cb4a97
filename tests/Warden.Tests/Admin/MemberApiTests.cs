using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>Organization members through the admin API: who may invite, promote and remove, and what removal takes away.</summary>
public sealed class MemberApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public MemberApiTests(AdminApiServer server)
    {
        _server = server;
    }

    private async Task OrgAsync(string slug)
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug, name = slug }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{slug}/projects", new { slug = "proj", name = "Proj" }).ExpectAsync(HttpStatusCode.Created);
    }

    private async Task<Guid> UserIdAsync(string email)
    {
        await using var db = _server.Contexts.CreateDbContext();
        var normalized = User.NormalizeEmail(email);
        return await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).SingleAsync();
    }

    private void AssertDenied(string action, string actor)
    {
        var audit = _server.LastAudit()!;
        Assert.Equal(AuditOutcome.Denied, audit.Outcome);
        Assert.Equal(action, audit.Action);
        Assert.Equal(actor, audit.Actor);
        Assert.Equal(403, audit.HttpStatus);
    }

    [Fact]
    public async Task OrgAdmin_InvitesByEmail_UserIsGlobalAndCreatedOnce_AndListed()
    {
        await OrgAsync("mem-a");
        await OrgAsync("mem-b");
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@mem-a.test", "mem-a", MembershipRole.OrgAdmin));

        var invited = await (await orgAdmin.PostJsonAsync("/api/orgs/mem-a/members", new { email = "New.Person@Mem.Test" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("member", invited["role"]!.GetValue<string>());
        Assert.Equal("New.Person", invited["displayName"]!.GetValue<string>());
        var audit = _server.LastAudit()!;
        Assert.Equal(("member.add", AuditOutcome.Allowed, "boss@mem-a.test", "mem-a"), (audit.Action, audit.Outcome, audit.Actor, audit.OrganizationSlug));

        using var admin = _server.Admin();
        var again = await (await admin.PostJsonAsync("/api/orgs/mem-b/members", new { email = "new.person@mem.test", role = "org_admin" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal(invited["userId"]!.GetValue<Guid>(), again["userId"]!.GetValue<Guid>());
        Assert.Equal("org_admin", again["role"]!.GetValue<string>());

        await orgAdmin.PostJsonAsync("/api/orgs/mem-a/members", new { email = "NEW.person@mem.test" }).ExpectAsync(HttpStatusCode.Conflict);
        var bad = await (await orgAdmin.PostJsonAsync("/api/orgs/mem-a/members", new { email = "not-an-email" }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(bad["errors"]!["email"]);

        var list = await (await orgAdmin.GetAsync("/api/orgs/mem-a/members").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(["boss@mem-a.test", "New.Person@Mem.Test"], list["items"]!.AsArray().Select(m => m!["email"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OrgAdmin_GrantingOrRevokingOrgAdmin_IsDeniedAndAudited_PlatformAdminMay()
    {
        await OrgAsync("mem-grant");
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@mem-grant.test", "mem-grant", MembershipRole.OrgAdmin));
        await orgAdmin.PostJsonAsync("/api/orgs/mem-grant/members", new { email = "x@mem-grant.test", role = "org_admin" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertDenied("member.add", "boss@mem-grant.test");

        var member = await (await orgAdmin.PostJsonAsync("/api/orgs/mem-grant/members", new { email = "x@mem-grant.test" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var userId = member["userId"]!.GetValue<Guid>();
        await orgAdmin.PatchJsonAsync($"/api/orgs/mem-grant/members/{userId}", new { role = "org_admin" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertDenied("member.update", "boss@mem-grant.test");

        using var platform = _server.Client(await _server.CreateUserTokenAsync("root@platform.test", null, platformAdmin: true));
        var promoted = await (await platform.PatchJsonAsync($"/api/orgs/mem-grant/members/{userId}", new { role = "org_admin" }).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("org_admin", promoted["role"]!.GetValue<string>());
        Assert.Equal(("member.update", AuditOutcome.Allowed, "root@platform.test"), (_server.LastAudit()!.Action, _server.LastAudit()!.Outcome, _server.LastAudit()!.Actor));

        // Taking org_admin away (demotion or removal) is a platform decision too.
        await orgAdmin.PatchJsonAsync($"/api/orgs/mem-grant/members/{userId}", new { role = "member" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertDenied("member.update", "boss@mem-grant.test");
        await orgAdmin.DeleteAsync($"/api/orgs/mem-grant/members/{userId}").ExpectAsync(HttpStatusCode.Forbidden);
        AssertDenied("member.remove", "boss@mem-grant.test");
    }

    [Fact]
    public async Task Member_AndOrgAdminOfAnotherOrg_AreRefused_MutationsAudited()
    {
        await OrgAsync("mem-own");
        await OrgAsync("mem-other");
        using var member = _server.Client(await _server.CreateUserTokenAsync("plain@mem-own.test", "mem-own"));
        using var otherAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@mem-other.test", "mem-other", MembershipRole.OrgAdmin));
        var memberId = await UserIdAsync("plain@mem-own.test");

        await member.GetAsync("/api/orgs/mem-own/members").ExpectAsync(HttpStatusCode.Forbidden);
        await member.PostJsonAsync("/api/orgs/mem-own/members", new { email = "friend@mem-own.test" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertDenied("member.add", "plain@mem-own.test");

        await otherAdmin.GetAsync("/api/orgs/mem-own/members").ExpectAsync(HttpStatusCode.Forbidden);
        await otherAdmin.DeleteAsync($"/api/orgs/mem-own/members/{memberId}").ExpectAsync(HttpStatusCode.Forbidden);
        AssertDenied("member.remove", "boss@mem-other.test");
        // The guessed id in the admin's own organization is simply not there.
        await otherAdmin.DeleteAsync($"/api/orgs/mem-other/members/{memberId}").ExpectAsync(HttpStatusCode.NotFound);
        await using var db = _server.Contexts.CreateDbContext();
        Assert.True(await db.Memberships.AnyAsync(m => m.UserId == memberId));
    }

    [Fact]
    public async Task Remove_DropsGroupMemberships_RevokesKeysInTheOrg_AndRecordsConsumerChanges()
    {
        await OrgAsync("mem-rm");
        using var admin = _server.Admin();
        await _server.CreateUserTokenAsync("leaver@mem-rm.test", "mem-rm");
        var userId = await UserIdAsync("leaver@mem-rm.test");
        await admin.PostJsonAsync("/api/orgs/mem-rm/groups", new { slug = "team", name = "Team" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/mem-rm/groups/team/members", new { email = "leaver@mem-rm.test" }).ExpectAsync(HttpStatusCode.Created);
        var consumer = await (await admin.PostJsonAsync("/api/orgs/mem-rm/projects/proj/consumers", new { userEmail = "leaver@mem-rm.test" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var consumerId = consumer["id"]!.GetValue<Guid>();
        var key = await (await admin.PostJsonAsync("/api/orgs/mem-rm/projects/proj/keys", new { consumerId }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();

        await admin.DeleteAsync($"/api/orgs/mem-rm/members/{userId}").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal("member.remove", _server.LastAudit()!.Action);
        await using var db = _server.Contexts.CreateDbContext();
        Assert.False(await db.Memberships.AnyAsync(m => m.UserId == userId));
        Assert.False(await db.GroupMemberships.AnyAsync(m => m.UserId == userId));
        var stored = await db.ApiKeys.SingleAsync(k => k.Id == key["id"]!.GetValue<Guid>());
        Assert.NotNull(stored.RevokedAt);
        var revision = await db.ConfigRevisions.Include(r => r.Changes).OrderByDescending(r => r.Id).FirstAsync();
        Assert.Equal("member.remove", revision.Reason);
        Assert.Contains(revision.Changes, c => c.EntityKind == ConfigEntityKinds.Consumer && c.EntityId == consumerId && c.Operation == ConfigOperation.Updated);
        Assert.Contains(revision.Changes, c => c.EntityKind == ConfigEntityKinds.ApiKey && c.EntityId == stored.Id);
        Assert.True(await db.Users.AnyAsync(u => u.Id == userId), "users are global and outlive a membership");
    }
}
