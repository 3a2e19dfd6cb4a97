using System.Net;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>Organization SSO connections, platform sign-in methods and platform-admin grants through the admin API.</summary>
public sealed class IdentitySsoAndPlatformApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public IdentitySsoAndPlatformApiTests(AdminApiServer server)
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
    public async Task OrgAdmin_ManagesSsoConnections_SecretReferenceIsWriteOnly()
    {
        await OrgAsync("sso-a");
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@sso-a.test", "sso-a", MembershipRole.OrgAdmin));

        var response = await orgAdmin.PostJsonAsync("/api/orgs/sso-a/sso", new
        {
            name = "corporate",
            kind = "oidc",
            issuerUrl = "https://login.sso-a.test/realms/corp",
            clientId = "warden",
            clientSecretReference = "env:SSO_A_CLIENT_SECRET",
        }).ExpectAsync(HttpStatusCode.Created);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("SSO_A_CLIENT_SECRET", text, StringComparison.Ordinal);
        var created = await response.JsonAsync();
        Assert.True(created["hasClientSecret"]!.GetValue<bool>());
        Assert.Equal("oidc", created["kind"]!.GetValue<string>());
        Assert.True(created["enabled"]!.GetValue<bool>());
        AssertLastAudit("sso.create", AuditOutcome.Allowed, "boss@sso-a.test");
        Assert.DoesNotContain("SSO_A_CLIENT_SECRET", _server.LastAudit()!.Target ?? "", StringComparison.Ordinal);
        var id = created["id"]!.GetValue<Guid>();

        var list = await (await orgAdmin.GetAsync("/api/orgs/sso-a/sso").ExpectAsync(HttpStatusCode.OK)).Content.ReadAsStringAsync();
        Assert.Contains("corporate", list, StringComparison.Ordinal);
        Assert.DoesNotContain("SSO_A_CLIENT_SECRET", list, StringComparison.Ordinal);

        var patched = await (await orgAdmin.PatchJsonAsync($"/api/orgs/sso-a/sso/{id}", new { enabled = false, clientSecretReference = "" })
            .ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.False(patched["enabled"]!.GetValue<bool>());
        Assert.False(patched["hasClientSecret"]!.GetValue<bool>());
        AssertLastAudit("sso.update", AuditOutcome.Allowed, "boss@sso-a.test");

        // A pasted secret is not a reference; SAML needs its metadata URL.
        var secret = await (await orgAdmin.PatchJsonAsync($"/api/orgs/sso-a/sso/{id}", new { clientSecretReference = "s3cr3t-value" })
            .ExpectAsync(HttpStatusCode.BadRequest)).Content.ReadAsStringAsync();
        Assert.Contains("clientSecretReference", secret, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", secret, StringComparison.Ordinal);
        var saml = await (await orgAdmin.PostJsonAsync("/api/orgs/sso-a/sso", new { name = "partner", kind = "saml" }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(saml["errors"]!["metadataUrl"]);
        await orgAdmin.PostJsonAsync("/api/orgs/sso-a/sso", new { name = "partner", kind = "saml", metadataUrl = "https://idp.partner.test/metadata" })
            .ExpectAsync(HttpStatusCode.Created);
        await orgAdmin.PostJsonAsync("/api/orgs/sso-a/sso", new { name = "partner", kind = "saml", metadataUrl = "https://idp.partner.test/metadata" })
            .ExpectAsync(HttpStatusCode.Conflict);

        await orgAdmin.DeleteAsync($"/api/orgs/sso-a/sso/{id}").ExpectAsync(HttpStatusCode.NoContent);
        AssertLastAudit("sso.delete", AuditOutcome.Allowed, "boss@sso-a.test");
        await orgAdmin.GetAsync($"/api/orgs/sso-a/sso/{id}").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Sso_MemberAndOtherOrgAdmin_AreRefused_AndAudited()
    {
        await OrgAsync("sso-own");
        await OrgAsync("sso-other");
        using var admin = _server.Admin();
        var connection = await (await admin.PostJsonAsync("/api/orgs/sso-own/sso", new { name = "corp", kind = "oidc", issuerUrl = "https://id.sso-own.test" })
            .ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var id = connection["id"]!.GetValue<Guid>();
        using var member = _server.Client(await _server.CreateUserTokenAsync("plain@sso-own.test", "sso-own"));
        using var otherAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@sso-other.test", "sso-other", MembershipRole.OrgAdmin));

        await member.GetAsync("/api/orgs/sso-own/sso").ExpectAsync(HttpStatusCode.Forbidden);
        await member.PostJsonAsync("/api/orgs/sso-own/sso", new { name = "evil", kind = "oidc", issuerUrl = "https://evil.test" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("sso.create", AuditOutcome.Denied, "plain@sso-own.test");

        await otherAdmin.DeleteAsync($"/api/orgs/sso-own/sso/{id}").ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("sso.delete", AuditOutcome.Denied, "boss@sso-other.test");
        await otherAdmin.DeleteAsync($"/api/orgs/sso-other/sso/{id}").ExpectAsync(HttpStatusCode.NotFound);
        await admin.GetAsync($"/api/orgs/sso-own/sso/{id}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task LoginMethods_PlatformAdminOnly_DefaultLocalLoginOn()
    {
        await OrgAsync("login-org");
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@login-org.test", "login-org", MembershipRole.OrgAdmin));
        using var platform = _server.Client(await _server.CreateUserTokenAsync("root@login.test", null, platformAdmin: true));

        var initial = await (await platform.GetAsync("/api/platform/login-methods").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.True(initial["localLogin"]!.GetValue<bool>());

        await orgAdmin.GetAsync("/api/platform/login-methods").ExpectAsync(HttpStatusCode.Forbidden);
        await orgAdmin.PutJsonAsync("/api/platform/login-methods", new { localLogin = false }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("platform.login_methods.update", AuditOutcome.Denied, "boss@login-org.test");

        await platform.PutJsonAsync("/api/platform/login-methods", new { localLogin = false }).ExpectAsync(HttpStatusCode.OK);
        AssertLastAudit("platform.login_methods.update", AuditOutcome.Allowed, "root@login.test");
        var after = await (await platform.GetAsync("/api/platform/login-methods").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.False(after["localLogin"]!.GetValue<bool>());
        Assert.NotNull(after["updatedAt"]);
        await platform.PutJsonAsync("/api/platform/login-methods", new { localLogin = true }).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PlatformAdminGrant_TakesEffectOnExistingTokens_AndIsRevocable()
    {
        await OrgAsync("grant-org");
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@grant-org.test", "grant-org", MembershipRole.OrgAdmin));
        using var admin = _server.Admin();

        await orgAdmin.GetAsync("/api/platform/admins").ExpectAsync(HttpStatusCode.Forbidden);
        await orgAdmin.PostJsonAsync("/api/platform/admins", new { email = "boss@grant-org.test" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("platform.admin.grant", AuditOutcome.Denied, "boss@grant-org.test");

        var grant = await (await admin.PostJsonAsync("/api/platform/admins", new { email = "Boss@Grant-Org.test", breakGlass = true }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("boss@grant-org.test", grant["value"]!.GetValue<string>());
        Assert.True(grant["breakGlass"]!.GetValue<bool>());
        AssertLastAudit("platform.admin.grant", AuditOutcome.Allowed, "bootstrap-token");
        await admin.PostJsonAsync("/api/platform/admins", new { email = "boss@grant-org.test" }).ExpectAsync(HttpStatusCode.Conflict);

        // Existing tokens keep their role: the org_admin token does not turn into a platform token, nor mint one.
        await orgAdmin.GetAsync("/api/platform/admins").ExpectAsync(HttpStatusCode.Forbidden);
        await orgAdmin.PostJsonAsync("/api/me/tokens", new { name = "escalate", role = "platform_admin" }).ExpectAsync(HttpStatusCode.Forbidden);
        AssertLastAudit("token.create", AuditOutcome.Denied, "boss@grant-org.test");
        var minted = await (await admin.PostJsonAsync("/api/users/boss@grant-org.test/tokens", new { name = "platform" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("platform_admin", minted["role"]!.GetValue<string>());
        using var asPlatform = _server.Client(minted["token"]!.GetValue<string>());
        var list = await (await asPlatform.GetAsync("/api/platform/admins").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Contains(list["items"]!.AsArray(), g => g!["value"]!.GetValue<string>() == "boss@grant-org.test");

        await admin.DeleteAsync($"/api/platform/admins/{grant["id"]}").ExpectAsync(HttpStatusCode.NoContent);
        AssertLastAudit("platform.admin.revoke", AuditOutcome.Allowed, "bootstrap-token");
        await asPlatform.GetAsync("/api/platform/admins").ExpectAsync(HttpStatusCode.Forbidden);
    }
}
