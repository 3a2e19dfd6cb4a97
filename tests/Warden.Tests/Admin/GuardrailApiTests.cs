using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Core.Guardrails;
using Warden.Core.Snapshots;
using Warden.Gateway;
using Warden.Gateway.Snapshots;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>
/// Guardrail configuration through the admin API: the curated library endpoint, curated ids and PII kinds checked
/// against the core's lists, custom regexes reported as non-backtracking or not, and the platform PII default (RBAC,
/// audit, a configuration revision that reaches a gateway's snapshot, the effective-config view).
/// </summary>
public sealed class GuardrailApiTests : IClassFixture<AdminApiServer>
{
    private const string PiiDefaultUrl = "/api/platform/guardrails/pii-default";
    private readonly AdminApiServer _server;

    public GuardrailApiTests(AdminApiServer server)
    {
        _server = server;
    }

    private async Task<HttpClient> OrgWithProjectAsync(string org)
    {
        var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = org, name = org }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = "p1", name = "P1" }).ExpectAsync(HttpStatusCode.Created);
        return admin;
    }

    private AuditEvent LastAudit(string action)
    {
        using var db = _server.Contexts.CreateDbContext();
        return db.AuditEvents.AsNoTracking().Where(e => e.Action == action).OrderByDescending(e => e.Id).First();
    }

    [Fact]
    public async Task Library_AnyAdminListsTheCuratedPatterns_MembersDenied()
    {
        using var admin = await OrgWithProjectAsync("lib-org");
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@lib-org.test", "lib-org", MembershipRole.OrgAdmin));
        using var member = _server.Client(await _server.CreateUserTokenAsync("dev@lib-org.test", "lib-org"));

        var library = await (await orgAdmin.GetAsync("/api/guardrails/library").ExpectAsync(HttpStatusCode.OK)).JsonAsync();

        var patterns = library["patterns"]!.AsArray();
        Assert.Equal(InjectionPatternLibrary.All.Select(p => p.Id), patterns.Select(p => p!["id"]!.GetValue<string>()));
        var dan = patterns.Single(p => p!["id"]!.GetValue<string>() == "jailbreak.dan")!;
        Assert.Equal("jailbreak", dan["category"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(dan["description"]!.GetValue<string>()));
        Assert.Equal(InjectionPatternLibrary.All.Single(p => p.Id == "jailbreak.dan").Pattern, dan["pattern"]!.GetValue<string>());
        Assert.Equal(PiiKinds.Names, library["piiKinds"]!.AsArray().Select(k => k!.GetValue<string>()));

        await member.GetAsync("/api/guardrails/library").ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Replace_UnknownCuratedIdRefusedNamingTheField_NewKindsAccepted()
    {
        using var admin = await OrgWithProjectAsync("curated-org");
        const string url = "/api/orgs/curated-org/projects/p1/guardrails";

        var refused = await (await admin.PutJsonAsync(url, new { curatedPatternIds = new[] { "jailbreak.dan", "jailbreak.made-up" } })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(refused["errors"]!["curatedPatternIds[1]"]);
        Assert.Null(refused["errors"]!["curatedPatternIds[0]"]);

        var saved = await (await admin.PutJsonAsync(url, new
        {
            curatedPatternIds = InjectionPatternLibrary.All.Select(p => p.Id).ToArray(),
            piiRules = new Dictionary<string, string> { ["thai_national_id"] = "block", ["secret"] = "mask" },
        }).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(InjectionPatternLibrary.All.Length, saved["curatedPatternIds"]!.AsArray().Count);
        Assert.Equal("block", saved["piiRules"]!["thai_national_id"]!.GetValue<string>());
        Assert.Equal("mask", saved["piiRules"]!["secret"]!.GetValue<string>());
    }

    [Fact]
    public async Task Replace_CustomPatterns_ViewSaysWhichRunNonBacktracking_NoneRefusedForIt()
    {
        using var admin = await OrgWithProjectAsync("regex-org");
        const string url = "/api/orgs/regex-org/projects/p1/guardrails";

        var saved = await (await admin.PutJsonAsync(url, new
        {
            customPatterns = new[]
            {
                new { id = "internal-hosts", pattern = @"\bcorp\.internal\b" },
                new { id = "repeated-word", pattern = @"\b(\w+)\s+\1\b" },
                new { id = "lookahead", pattern = @"password(?=\s*:)" },
            },
        }).ExpectAsync(HttpStatusCode.OK)).JsonAsync();

        var flags = saved["customPatterns"]!.AsArray().ToDictionary(p => p!["id"]!.GetValue<string>(), p => p!["nonBacktracking"]!.GetValue<bool>());
        Assert.Equal(new Dictionary<string, bool> { ["internal-hosts"] = true, ["repeated-word"] = false, ["lookahead"] = false }, flags);
        var read = await (await admin.GetAsync(url).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.False(read["customPatterns"]![1]!["nonBacktracking"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PiiDefault_PlatformAdminSets_OthersDeniedAndAudited_ValidatedAndRemovable()
    {
        using var admin = await OrgWithProjectAsync("pii-default-org");
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@pii-default-org.test", "pii-default-org", MembershipRole.OrgAdmin));
        using var member = _server.Client(await _server.CreateUserTokenAsync("dev@pii-default-org.test", "pii-default-org"));
        await admin.PutJsonAsync(PiiDefaultUrl, new { piiRules = (object?)null }).ExpectAsync(HttpStatusCode.OK);

        var none = await (await orgAdmin.GetAsync(PiiDefaultUrl).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Null(none["piiRules"]);
        Assert.Null(none["updatedAt"]);

        // An org admin may read the default but not change it; the denial is audited.
        await orgAdmin.PutJsonAsync(PiiDefaultUrl, new { piiRules = new Dictionary<string, string> { ["email"] = "block" } }).ExpectAsync(HttpStatusCode.Forbidden);
        var denied = LastAudit("guardrails.pii_default.update");
        Assert.Equal(AuditOutcome.Denied, denied.Outcome);
        Assert.Equal("boss@pii-default-org.test", denied.Actor);
        await member.GetAsync(PiiDefaultUrl).ExpectAsync(HttpStatusCode.Forbidden);

        var saved = await (await admin.PutJsonAsync(PiiDefaultUrl, new
        {
            piiRules = new Dictionary<string, string> { ["email"] = "mask", ["credit_card"] = "block", ["thai_national_id"] = "block" },
        }).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("block", saved["piiRules"]!["credit_card"]!.GetValue<string>());
        Assert.NotNull(saved["updatedAt"]);
        var allowed = LastAudit("guardrails.pii_default.update");
        Assert.Equal(AuditOutcome.Allowed, allowed.Outcome);
        Assert.Equal("platform:guardrails.pii.default", allowed.Target);
        await using (var db = _server.Contexts.CreateDbContext())
        {
            var setting = await db.PlatformSettings.AsNoTracking().SingleAsync(s => s.Key == "guardrails.pii.default");
            Assert.Equal("""{"credit_card":"block","email":"mask","thai_national_id":"block"}""", setting.Value);
            var change = await db.ConfigChanges.AsNoTracking().OrderByDescending(c => c.Id).FirstAsync();
            Assert.Equal(ConfigEntityKinds.PlatformSetting, change.EntityKind);
        }

        var read = await (await orgAdmin.GetAsync(PiiDefaultUrl).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("mask", read["piiRules"]!["email"]!.GetValue<string>());

        var badKind = await (await admin.PutJsonAsync(PiiDefaultUrl, new { piiRules = new Dictionary<string, string> { ["date_of_birth"] = "mask" } })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(badKind["errors"]!["piiRules.date_of_birth"]);
        var badAction = await (await admin.PutJsonAsync(PiiDefaultUrl, new { piiRules = new Dictionary<string, string> { ["email"] = "shred" } })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(badAction["errors"]!["piiRules.email"]);
        Assert.Equal("mask", (await (await admin.GetAsync(PiiDefaultUrl).ExpectAsync(HttpStatusCode.OK)).JsonAsync())["piiRules"]!["email"]!.GetValue<string>());

        await admin.PutJsonAsync(PiiDefaultUrl, new { piiRules = (object?)null }).ExpectAsync(HttpStatusCode.OK);
        Assert.Null((await (await admin.GetAsync(PiiDefaultUrl).ExpectAsync(HttpStatusCode.OK)).JsonAsync())["piiRules"]);
    }

    [Fact]
    public async Task PiiDefault_ReachesTheGatewaySnapshot_AndTheEffectiveConfigSaysWhoseRulesApply()
    {
        using var admin = await OrgWithProjectAsync("pii-snapshot-org");
        await admin.PostJsonAsync("/api/orgs/pii-snapshot-org/projects", new { slug = "p2", name = "P2" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PutJsonAsync("/api/orgs/pii-snapshot-org/projects/p2/guardrails", new { piiRules = new Dictionary<string, string> { ["phone"] = "block" } })
            .ExpectAsync(HttpStatusCode.OK);
        var store = new SnapshotStore();
        using var subscriber = new ControlPlaneSnapshotSubscriber(
            new GatewayOptions { ControlPlaneUrl = _server.Url.ToString(), InternalToken = AdminApiServer.InternalToken }, store, TimeProvider.System,
            NullLogger<ControlPlaneSnapshotSubscriber>.Instance);
        await subscriber.StartAsync(CancellationToken.None);
        try
        {
            await admin.PutJsonAsync(PiiDefaultUrl, new { piiRules = new Dictionary<string, string> { ["ssn"] = "block", ["email"] = "mask" } }).ExpectAsync(HttpStatusCode.OK);

            var snapshot = await WaitForAsync(store, s => s.Config.PlatformPiiRules is { } rules && rules.GetValueOrDefault("ssn") == PiiRuleAction.Block);
            Assert.Equal(PiiRuleAction.Mask, snapshot.Config.PlatformPiiRules!["email"]);
            Assert.Equal(2, snapshot.Config.PlatformPiiRules.Count);

            var p1 = await EffectiveAsync(admin, "p1", "platform");
            Assert.Equal("block", p1["piiRules"]!["rules"]!["ssn"]!.GetValue<string>());
            var p2 = await EffectiveAsync(admin, "p2", "project");
            Assert.Equal("block", p2["piiRules"]!["rules"]!["phone"]!.GetValue<string>());
            Assert.Null(p2["piiRules"]!["rules"]!["ssn"]);

            // Removing the default reaches the gateway too: projects without rules of their own scan for nothing.
            await admin.PutJsonAsync(PiiDefaultUrl, new { piiRules = (object?)null }).ExpectAsync(HttpStatusCode.OK);
            await WaitForAsync(store, s => s.Config.PlatformPiiRules is null);
            var cleared = await EffectiveAsync(admin, "p1", "none");
            Assert.Empty(cleared["piiRules"]!["rules"]!.AsObject());
        }
        finally
        {
            await subscriber.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> EffectiveAsync(HttpClient admin, string project, string source)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var effective = await (await admin.GetAsync($"/api/orgs/pii-snapshot-org/projects/{project}/effective-config").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
            if (effective["piiRules"]!["source"]!.GetValue<string>() == source || DateTimeOffset.UtcNow > deadline)
            {
                Assert.Equal(source, effective["piiRules"]!["source"]!.GetValue<string>());
                return effective;
            }

            await Task.Delay(20);
        }
    }

    private static async Task<ConfigSnapshot> WaitForAsync(SnapshotStore store, Func<ConfigSnapshot, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (store.Current is { } snapshot && condition(snapshot))
            {
                return snapshot;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"The gateway's snapshot did not reach the expected state (it has revision {store.Current?.Revision}).");
    }
}
