using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>
/// The CP-2 table, one test per cell (capability × role). Allowed cells perform the action; denied cells assert the 403
/// and, for mutations, the audit row with outcome <c>denied</c>, the action and the actor.
/// </summary>
public sealed class RbacMatrixTests : IClassFixture<AdminApiServer>
{
    private const string Own = "rbac-own";
    private const string Other = "rbac-other";
    private static readonly SemaphoreSlim s_seed = new(1, 1);
    private static readonly Dictionary<string, string> s_tokens = [];
    private readonly AdminApiServer _server;

    public RbacMatrixTests(AdminApiServer server)
    {
        _server = server;
    }

    // Row 1: create/delete orgs, grant org_admin, platform pricing, login methods.

    [Fact]
    public async Task PlatformLevel_PlatformAdmin_Allowed()
    {
        using var client = await ClientAsync("platform");
        await client.PostJsonAsync("/api/orgs", new { slug = "rbac-made", name = "Made" }).ExpectAsync(HttpStatusCode.Created);
        await client.DeleteAsync("/api/orgs/rbac-made").ExpectAsync(HttpStatusCode.NoContent);
        var userId = await UserIdAsync("grantee@rbac.test");
        await client.PatchJsonAsync($"/api/orgs/{Own}/members/{userId}", new { role = "org_admin" }).ExpectAsync(HttpStatusCode.OK);
        await client.PatchJsonAsync($"/api/orgs/{Own}/members/{userId}", new { role = "member" }).ExpectAsync(HttpStatusCode.OK);
        await client.PutJsonAsync("/api/pricing/rbac-model", Price()).ExpectAsync(HttpStatusCode.Created);
        await client.PutJsonAsync("/api/platform/login-methods", new { localLogin = true }).ExpectAsync(HttpStatusCode.OK);
        await client.GetAsync("/api/gateways").ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("orgadmin")]
    [InlineData("member")]
    public async Task PlatformLevel_OrgAdminAndMember_Denied(string role)
    {
        using var client = await ClientAsync(role);
        var actor = Actor(role);
        await DeniedAsync(client.PostJsonAsync("/api/orgs", new { slug = "rbac-nope", name = "Nope" }), "org.create", actor);
        await DeniedAsync(client.DeleteAsync($"/api/orgs/{Own}"), "org.delete", actor);
        var userId = await UserIdAsync("grantee@rbac.test");
        await DeniedAsync(client.PatchJsonAsync($"/api/orgs/{Own}/members/{userId}", new { role = "org_admin" }), "member.update", actor);
        await DeniedAsync(client.PutJsonAsync("/api/pricing/rbac-model", Price()), "price.update", actor);
        await DeniedAsync(client.PutJsonAsync("/api/platform/login-methods", new { localLogin = false }), "platform.login_methods.update", actor);
        await client.GetAsync("/api/gateways").ExpectAsync(HttpStatusCode.Forbidden);
    }

    // Row 2: members, groups, org SSO.

    [Fact]
    public async Task OrgPeople_PlatformAdmin_AnyOrg()
    {
        using var client = await ClientAsync("platform");
        await ManageOrgPeopleAsync(client, Other, "p");
    }

    [Fact]
    public async Task OrgPeople_OrgAdmin_OwnOrgOnly()
    {
        using var client = await ClientAsync("orgadmin");
        await ManageOrgPeopleAsync(client, Own, "o");
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Other}/members", new { email = "x@rbac.test", role = "member" }), "member.add", Actor("orgadmin"));
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Other}/groups", new { slug = "g-x", name = "G" }), "group.create", Actor("orgadmin"));
    }

    [Fact]
    public async Task OrgPeople_Member_Denied()
    {
        using var client = await ClientAsync("member");
        var actor = Actor("member");
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Own}/members", new { email = "y@rbac.test", role = "member" }), "member.add", actor);
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Own}/groups", new { slug = "g-m", name = "G" }), "group.create", actor);
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Own}/sso", Sso("m")), "sso.create", actor);
        await client.GetAsync($"/api/orgs/{Own}/members").ExpectAsync(HttpStatusCode.Forbidden);
    }

    // Row 3: projects and everything inside them.

    [Fact]
    public async Task Projects_PlatformAdmin_AnyOrg()
    {
        using var client = await ClientAsync("platform");
        await ManageProjectAsync(client, Other, "pa");
    }

    [Fact]
    public async Task Projects_OrgAdmin_OwnOrgOnly()
    {
        using var client = await ClientAsync("orgadmin");
        await ManageProjectAsync(client, Own, "oa");
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Other}/projects", new { slug = "oa-x", name = "X" }), "project.create", Actor("orgadmin"));
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Other}/projects/base/providers", Provider()), "provider.create", Actor("orgadmin"));
    }

    [Fact]
    public async Task Projects_Member_Denied()
    {
        using var client = await ClientAsync("member");
        var actor = Actor("member");
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Own}/projects", new { slug = "m-x", name = "X" }), "project.create", actor);
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Own}/projects/base/providers", Provider()), "provider.create", actor);
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Own}/projects/base/routes", Route()), "route.create", actor);
        await DeniedAsync(client.PostJsonAsync($"/api/orgs/{Own}/projects/base/consumers", new { name = "m-svc" }), "consumer.create", actor);
        await client.GetAsync($"/api/orgs/{Own}/projects").ExpectAsync(HttpStatusCode.Forbidden);
    }

    // Row 4: audit log.

    [Fact]
    public async Task Audit_PlatformAdmin_AllOrgs()
    {
        using var client = await ClientAsync("platform");
        await client.GetAsync("/api/audit").ExpectAsync(HttpStatusCode.OK);
        await client.GetAsync($"/api/orgs/{Other}/audit").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Audit_OrgAdmin_OwnOrg()
    {
        using var client = await ClientAsync("orgadmin");
        await client.GetAsync($"/api/orgs/{Own}/audit").ExpectAsync(HttpStatusCode.OK);
        await client.GetAsync($"/api/orgs/{Other}/audit").ExpectAsync(HttpStatusCode.Forbidden);
        await client.GetAsync("/api/audit").ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Audit_Member_Denied()
    {
        using var client = await ClientAsync("member");
        await client.GetAsync($"/api/orgs/{Own}/audit").ExpectAsync(HttpStatusCode.Forbidden);
        await client.GetAsync("/api/audit").ExpectAsync(HttpStatusCode.Forbidden);
    }

    // Row 5: usage.

    [Fact]
    public async Task Usage_PlatformAdmin_All()
    {
        using var client = await ClientAsync("platform");
        await client.GetAsync($"/api/orgs/{Own}/usage").ExpectAsync(HttpStatusCode.OK);
        await client.GetAsync($"/api/orgs/{Other}/usage").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Usage_OrgAdmin_OwnOrg()
    {
        using var client = await ClientAsync("orgadmin");
        await client.GetAsync($"/api/orgs/{Own}/usage").ExpectAsync(HttpStatusCode.OK);
        await client.GetAsync($"/api/orgs/{Other}/usage").ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Usage_Member_OwnConsumersOnly()
    {
        using var client = await ClientAsync("member");
        await client.GetAsync($"/api/orgs/{Own}/usage").ExpectAsync(HttpStatusCode.Forbidden);
        await client.GetAsync("/api/me/usage").ExpectAsync(HttpStatusCode.OK);
    }

    // Row 6: own keys, own usage, own blocked requests.

    [Theory]
    [InlineData("platform")]
    [InlineData("orgadmin")]
    [InlineData("member")]
    public async Task SelfService_EveryRole_Allowed(string role)
    {
        using var client = await ClientAsync(role);
        var created = await (await client.PostJsonAsync("/api/me/keys", new { org = Own, project = "base", name = role + "-own" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var mine = await (await client.GetAsync("/api/me/keys").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Contains(mine["items"]!.AsArray(), k => k!["id"]!.ToString() == created["id"]!.ToString());
        await client.PostAsync($"/api/me/keys/{created["id"]}/revoke", null).ExpectAsync(HttpStatusCode.OK);
        await client.GetAsync("/api/me/usage").ExpectAsync(HttpStatusCode.OK);
        await client.GetAsync("/api/me/blocked-requests").ExpectAsync(HttpStatusCode.OK);
    }

    private static async Task ManageOrgPeopleAsync(HttpClient client, string org, string tag)
    {
        await client.PostJsonAsync($"/api/orgs/{org}/members", new { email = $"{tag}-invitee@rbac.test", role = "member" }).ExpectAsync(HttpStatusCode.Created);
        await client.GetAsync($"/api/orgs/{org}/members").ExpectAsync(HttpStatusCode.OK);
        await client.PostJsonAsync($"/api/orgs/{org}/groups", new { slug = $"{tag}-team", name = "Team", allowedModels = new[] { "chat" } }).ExpectAsync(HttpStatusCode.Created);
        await client.PostJsonAsync($"/api/orgs/{org}/sso", Sso(tag)).ExpectAsync(HttpStatusCode.Created);
    }

    private static async Task ManageProjectAsync(HttpClient client, string org, string tag)
    {
        await client.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = tag, name = tag }).ExpectAsync(HttpStatusCode.Created);
        await client.PostJsonAsync($"/api/orgs/{org}/projects/{tag}/providers", Provider()).ExpectAsync(HttpStatusCode.Created);
        await client.PostJsonAsync($"/api/orgs/{org}/projects/{tag}/routes", Route()).ExpectAsync(HttpStatusCode.Created);
        var consumer = await (await client.PostJsonAsync($"/api/orgs/{org}/projects/{tag}/consumers", new { name = "svc" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        await client.PostJsonAsync($"/api/orgs/{org}/projects/{tag}/keys", new { consumerId = consumer["id"]!.GetValue<Guid>() }).ExpectAsync(HttpStatusCode.Created);
        await client.DeleteAsync($"/api/orgs/{org}/projects/{tag}").ExpectAsync(HttpStatusCode.NoContent);
    }

    private async Task DeniedAsync(Task<HttpResponseMessage> call, string action, string actor)
    {
        var response = await call.ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var db = _server.Contexts.CreateDbContext();
        var audit = await db.AuditEvents.AsNoTracking().Where(e => e.Actor == actor).OrderByDescending(e => e.Id).FirstAsync();
        Assert.Equal(action, audit.Action);
        Assert.Equal(AuditOutcome.Denied, audit.Outcome);
        Assert.Equal(403, audit.HttpStatus);
    }

    private static string Actor(string role) => role + "@rbac.test";

    private static object Price() => new { inputUsdPerMillion = 1.0m, outputUsdPerMillion = 2.0m, cacheReadUsdPerMillion = 0.5m, cacheWriteUsdPerMillion = 1.25m };

    private static object Provider() => new { name = "mock", type = "mock", baseUrl = "http://127.0.0.1:9/v1" };

    private static object Route() => new { logicalModel = "chat", strategy = "single", targets = new[] { new { provider = "mock", upstreamModel = "gpt-4o-mini" } } };

    private static object Sso(string tag) => new { name = tag + "-okta", kind = "oidc", issuerUrl = "https://idp.example.test/" + tag, clientId = "warden", enabled = true };

    private async Task<Guid> UserIdAsync(string email)
    {
        await using var db = _server.Contexts.CreateDbContext();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    private async Task<HttpClient> ClientAsync(string role)
    {
        await s_seed.WaitAsync();
        try
        {
            if (s_tokens.Count == 0 || !s_tokens.ContainsKey(_server.Url.ToString()))
            {
                s_tokens.Clear();
                s_tokens[_server.Url.ToString()] = "";
                using var admin = _server.Admin();
                foreach (var org in new[] { Own, Other })
                {
                    await admin.PostJsonAsync("/api/orgs", new { slug = org, name = org }).ExpectAsync(HttpStatusCode.Created);
                    await admin.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = "base", name = "Base" }).ExpectAsync(HttpStatusCode.Created);
                }

                s_tokens["platform"] = await _server.CreateUserTokenAsync(Actor("platform"), Own, MembershipRole.Member, platformAdmin: true);
                s_tokens["orgadmin"] = await _server.CreateUserTokenAsync(Actor("orgadmin"), Own, MembershipRole.OrgAdmin);
                s_tokens["member"] = await _server.CreateUserTokenAsync(Actor("member"), Own);
                await _server.CreateUserTokenAsync("grantee@rbac.test", Own);

                // Everyone in the own organization is in a group assigned to project "base": they may mint their own keys there.
                await admin.PostJsonAsync($"/api/orgs/{Own}/groups", new { slug = "everyone", name = "Everyone" }).ExpectAsync(HttpStatusCode.Created);
                foreach (var who in new[] { "platform", "orgadmin", "member" })
                {
                    await admin.PostJsonAsync($"/api/orgs/{Own}/groups/everyone/members", new { email = Actor(who) }).ExpectAsync(HttpStatusCode.Created);
                }

                await admin.PutAsync($"/api/orgs/{Own}/projects/base/groups/everyone", null).ExpectAsync(HttpStatusCode.Created);
            }
        }
        finally
        {
            s_seed.Release();
        }

        return _server.Client(s_tokens[role]);
    }
}
