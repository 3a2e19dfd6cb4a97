using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.ControlPlane.Admin;
using Warden.Core.Keys;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>Admin-API access tokens: shown once, hashed, capped by their holder's rights, revocable, expiring, audited.</summary>
public sealed class TokenApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public TokenApiTests(AdminApiServer server)
    {
        _server = server;
    }

    private async Task OrgAsync(string slug)
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug, name = slug }).ExpectAsync(HttpStatusCode.Created);
    }

    private void AssertLastAudit(string action, AuditOutcome outcome, string actor)
    {
        var audit = _server.LastAudit()!;
        Assert.Equal((action, outcome, actor), (audit.Action, audit.Outcome, audit.Actor));
    }

    [Fact]
    public async Task PersonalToken_ShownOnce_Works_RevokedGets401_EachStepAudited()
    {
        await OrgAsync("tok-a");
        using var member = _server.Client(await _server.CreateUserTokenAsync("dev@tok-a.test", "tok-a"));

        var created = await (await member.PostJsonAsync("/api/me/tokens", new { name = "laptop" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var token = created["token"]!.GetValue<string>();
        Assert.StartsWith("wat_", token, StringComparison.Ordinal);
        Assert.Equal("member", created["role"]!.GetValue<string>());
        AssertLastAudit("token.create", AuditOutcome.Allowed, "dev@tok-a.test");
        Assert.DoesNotContain(token, _server.LastAudit()!.Target ?? "", StringComparison.Ordinal);
        await using (var db = _server.Contexts.CreateDbContext())
        {
            var stored = await db.AccessTokens.SingleAsync(t => t.Id == created["id"]!.GetValue<Guid>());
            Assert.True(AccessTokenFormat.TryParse(token, out var publicId, out var secret));
            Assert.Equal(publicId, stored.PublicId);
            Assert.Equal(ApiKeyFormat.HashSecret(secret), stored.SecretHash);
        }

        using var withNew = _server.Client(token);
        var me = await (await withNew.GetAsync("/api/me").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("dev@tok-a.test", me["email"]!.GetValue<string>());

        var list = await (await member.GetAsync("/api/me/tokens").ExpectAsync(HttpStatusCode.OK)).Content.ReadAsStringAsync();
        Assert.Contains(created["prefix"]!.GetValue<string>(), list, StringComparison.Ordinal);
        Assert.DoesNotContain(token, list, StringComparison.Ordinal);

        var revoked = await (await member.PostAsync($"/api/me/tokens/{created["id"]}/revoke", null).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("revoked", revoked["status"]!.GetValue<string>());
        AssertLastAudit("token.revoke", AuditOutcome.Allowed, "dev@tok-a.test");
        await withNew.GetAsync("/api/me").ExpectAsync(HttpStatusCode.Unauthorized);
        await member.PostAsync($"/api/me/tokens/{created["id"]}/revoke", null).ExpectAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ExpiredToken_Gets401_AndPastExpiryIsRefused()
    {
        await OrgAsync("tok-exp");
        using var member = _server.Client(await _server.CreateUserTokenAsync("dev@tok-exp.test", "tok-exp"));
        var bad = await (await member.PostJsonAsync("/api/me/tokens", new { name = "old", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(bad["errors"]!["expiresAt"]);

        var created = await (await member.PostJsonAsync("/api/me/tokens", new { name = "short", expiresAt = DateTimeOffset.UtcNow.AddHours(1) })
            .ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        using var shortLived = _server.Client(created["token"]!.GetValue<string>());
        await shortLived.GetAsync("/api/me").ExpectAsync(HttpStatusCode.OK);

        await using (var db = _server.Contexts.CreateDbContext())
        {
            var stored = await db.AccessTokens.SingleAsync(t => t.Id == created["id"]!.GetValue<Guid>());
            stored.ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1);
            await db.SaveChangesAsync();
        }

        await shortLived.GetAsync("/api/me").ExpectAsync(HttpStatusCode.Unauthorized);
        var list = await (await member.GetAsync("/api/me/tokens").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Contains(list["items"]!.AsArray(), t => t!["id"]!.GetValue<Guid>() == created["id"]!.GetValue<Guid>() && t["status"]!.GetValue<string>() == "expired");
    }

    [Fact]
    public async Task Member_CannotMintOrgAdminOrPlatformToken_DeniedAndAudited()
    {
        await OrgAsync("tok-cap");
        await OrgAsync("tok-cap2");
        using var member = _server.Client(await _server.CreateUserTokenAsync("dev@tok-cap.test", "tok-cap"));

        await member.PostJsonAsync("/api/me/tokens", new { name = "up", role = "org_admin" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("token.create", AuditOutcome.Denied, "dev@tok-cap.test");
        await member.PostJsonAsync("/api/me/tokens", new { name = "up", role = "platform_admin" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("token.create", AuditOutcome.Denied, "dev@tok-cap.test");
        var notMine = await (await member.PostJsonAsync("/api/me/tokens", new { name = "x", organization = "tok-cap2" }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(notMine["errors"]!["organization"]);
        await member.PostJsonAsync("/api/orgs/tok-cap/tokens", new { name = "svc" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("token.create", AuditOutcome.Denied, "dev@tok-cap.test");
        await member.PostJsonAsync("/api/platform/tokens", new { name = "svc" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("token.create", AuditOutcome.Denied, "dev@tok-cap.test");
        await using var db = _server.Contexts.CreateDbContext();
        Assert.False(await db.AccessTokens.AnyAsync(t => t.Name == "up" || t.Name == "svc"));
    }

    [Fact]
    public async Task OrgAdminToken_OfUserDemotedToMember_ActsAsMember()
    {
        await OrgAsync("tok-demote");
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("lead@tok-demote.test", "tok-demote", MembershipRole.OrgAdmin));
        var minted = await (await orgAdmin.PostJsonAsync("/api/me/tokens", new { name = "ci", organization = "tok-demote" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("org_admin", minted["role"]!.GetValue<string>());
        Assert.Equal("tok-demote", minted["organization"]!.GetValue<string>());
        using var scoped = _server.Client(minted["token"]!.GetValue<string>());
        await scoped.GetAsync("/api/orgs/tok-demote/members").ExpectAsync(HttpStatusCode.OK);

        await using (var db = _server.Contexts.CreateDbContext())
        {
            var userId = await db.Users.Where(u => u.Email == "lead@tok-demote.test").Select(u => u.Id).SingleAsync();
            using var admin = _server.Admin();
            await admin.PatchJsonAsync($"/api/orgs/tok-demote/members/{userId}", new { role = "member" }).ExpectAsync(HttpStatusCode.OK);
        }

        await scoped.GetAsync("/api/orgs/tok-demote/members").ExpectAsync(HttpStatusCode.Forbidden);
        await scoped.PostJsonAsync("/api/orgs/tok-demote/members", new { email = "friend@tok-demote.test" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("member.add", AuditOutcome.Denied, "lead@tok-demote.test");
        var me = await (await scoped.GetAsync("/api/me").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("member", me["organizations"]![0]!["role"]!.GetValue<string>());
        // Now a member: an org_admin token is above what the user holds.
        await scoped.PostJsonAsync("/api/me/tokens", new { name = "again", role = "org_admin" }).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task BootstrapToken_HasNoPersonalTokens_ButCreatesServiceAndPlatformTokens()
    {
        await OrgAsync("tok-svc");
        await OrgAsync("tok-svc-other");
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/me/tokens", new { name = "mine" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("token.create", AuditOutcome.Denied, "bootstrap-token");

        var service = await (await admin.PostJsonAsync("/api/orgs/tok-svc/tokens", new { name = "terraform", role = "org_admin" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        AssertLastAudit("token.create", AuditOutcome.Allowed, "bootstrap-token");
        Assert.Equal("tok-svc", _server.LastAudit()!.OrganizationSlug);
        using var machine = _server.Client(service["token"]!.GetValue<string>());
        await machine.GetAsync("/api/orgs/tok-svc/members").ExpectAsync(HttpStatusCode.OK);
        await machine.GetAsync("/api/orgs/tok-svc-other/members").ExpectAsync(HttpStatusCode.Forbidden);
        await machine.PostJsonAsync("/api/orgs/tok-svc/members", new { email = "x@tok-svc.test", role = "org_admin" }).ExpectAsync(HttpStatusCode.Forbidden);
        await admin.PostJsonAsync("/api/orgs/tok-svc/tokens", new { name = "too-much", role = "platform_admin" }).ExpectAsync(HttpStatusCode.BadRequest);

        var listed = await (await admin.GetAsync("/api/orgs/tok-svc/tokens").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(["terraform"], listed["items"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));
        await admin.PostAsync($"/api/orgs/tok-svc-other/tokens/{service["id"]}/revoke", null).ExpectAsync(HttpStatusCode.NotFound);
        await admin.PostAsync($"/api/orgs/tok-svc/tokens/{service["id"]}/revoke", null).ExpectAsync(HttpStatusCode.OK);
        AssertLastAudit("token.revoke", AuditOutcome.Allowed, "bootstrap-token");
        await machine.GetAsync("/api/orgs/tok-svc/members").ExpectAsync(HttpStatusCode.Unauthorized);

        var platform = await (await admin.PostJsonAsync("/api/platform/tokens", new { name = "ops" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("platform_admin", platform["role"]!.GetValue<string>());
        using var ops = _server.Client(platform["token"]!.GetValue<string>());
        await ops.GetAsync("/api/platform/admins").ExpectAsync(HttpStatusCode.OK);
        await ops.GetAsync("/api/orgs/tok-svc-other/members").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PlatformAdmin_IssuesPersonalTokenForUser_CappedByTheUsersRole()
    {
        await OrgAsync("tok-user");
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs/tok-user/members", new { email = "newbie@tok-user.test" }).ExpectAsync(HttpStatusCode.Created);
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@tok-user.test", "tok-user", MembershipRole.OrgAdmin));

        await orgAdmin.PostJsonAsync("/api/users/newbie@tok-user.test/tokens", new { name = "first" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("token.create", AuditOutcome.Denied, "boss@tok-user.test");
        var tooHigh = await (await admin.PostJsonAsync("/api/users/newbie@tok-user.test/tokens", new { name = "first", role = "org_admin" })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(tooHigh["errors"]!["role"]);
        await admin.PostJsonAsync("/api/users/nobody@tok-user.test/tokens", new { name = "first" }).ExpectAsync(HttpStatusCode.NotFound);

        var issued = await (await admin.PostJsonAsync("/api/users/Newbie@tok-user.test/tokens", new { name = "first" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("member", issued["role"]!.GetValue<string>());
        Assert.Equal("newbie@tok-user.test", issued["owner"]!.GetValue<string>());
        AssertLastAudit("token.create", AuditOutcome.Allowed, "bootstrap-token");
        using var newbie = _server.Client(issued["token"]!.GetValue<string>());
        var me = await (await newbie.GetAsync("/api/me").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("newbie@tok-user.test", me["actor"]!.GetValue<string>());
        Assert.Equal("tok-user", me["organizations"]![0]!["slug"]!.GetValue<string>());

        // Platform admins may revoke any token, a user's personal one included.
        await admin.PostAsync($"/api/platform/tokens/{issued["id"]}/revoke", null).ExpectAsync(HttpStatusCode.OK);
        await newbie.GetAsync("/api/me").ExpectAsync(HttpStatusCode.Unauthorized);
    }
}
