using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>
/// Per-project settings (guardrails, cache, semantic guard) and MCP servers through the admin API, and the RBAC of
/// every project-configuration mutation.
/// </summary>
public sealed class ProjectSettingsApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public ProjectSettingsApiTests(AdminApiServer server)
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

    private ConfigChange LastChange()
    {
        using var db = _server.Contexts.CreateDbContext();
        return db.ConfigChanges.AsNoTracking().OrderByDescending(c => c.Id).First();
    }

    [Fact]
    public async Task Guardrails_DefaultThenReplaced_AndInvalidRegexOrPiiKindNamed()
    {
        using var admin = await OrgWithProjectAsync("guard-org");
        const string url = "/api/orgs/guard-org/projects/p1/guardrails";
        var defaults = await (await admin.GetAsync(url).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.True(defaults["isDefault"]!.GetValue<bool>());
        Assert.Empty(defaults["customPatterns"]!.AsArray());
        Assert.Null(defaults["piiRules"]);

        var saved = await (await admin.PutJsonAsync(url, new
        {
            curatedPatternIds = new[] { "jailbreak.dan", "system-prompt.reveal" },
            customPatterns = new[] { new { id = "no-internal-hosts", pattern = @"\bcorp\.internal\b" } },
            piiRules = new Dictionary<string, string> { ["email"] = "mask", ["credit_card"] = "block" },
        }).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.False(saved["isDefault"]!.GetValue<bool>());
        Assert.Equal("guardrails.update", _server.LastAudit()!.Action);
        var change = LastChange();
        Assert.Equal(ConfigEntityKinds.Guardrails, change.EntityKind);

        var read = await (await admin.GetAsync(url).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("no-internal-hosts", read["customPatterns"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("block", read["piiRules"]!["credit_card"]!.GetValue<string>());
        Assert.Equal(2, read["curatedPatternIds"]!.AsArray().Count);

        var invalid = await (await admin.PutJsonAsync(url, new
        {
            customPatterns = new[] { new { id = "ok", pattern = "fine" }, new { id = "broken", pattern = "(unclosed" }, new { id = "ok", pattern = "x" } },
            piiRules = new Dictionary<string, string> { ["date_of_birth"] = "mask" },
        }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(invalid["errors"]!["customPatterns[1].pattern"]);
        Assert.NotNull(invalid["errors"]!["customPatterns[2].id"]);
        Assert.NotNull(invalid["errors"]!["piiRules.date_of_birth"]);
        var badAction = await (await admin.PutJsonAsync(url, new { piiRules = new Dictionary<string, string> { ["email"] = "shred" } })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(badAction["errors"]!["piiRules.email"]);

        // Replacing: an empty body resets patterns and rules (PII inherits the platform default again).
        var reset = await (await admin.PutJsonAsync(url, new { }).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Empty(reset["customPatterns"]!.AsArray());
        Assert.Null(reset["piiRules"]);
    }

    [Fact]
    public async Task Cache_DefaultThenReplaced_AndRangesValidated()
    {
        using var admin = await OrgWithProjectAsync("cache-org");
        const string url = "/api/orgs/cache-org/projects/p1/cache";
        var defaults = await (await admin.GetAsync(url).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.False(defaults["enabled"]!.GetValue<bool>());
        Assert.True(defaults["isDefault"]!.GetValue<bool>());
        Assert.Equal("last-message", defaults["keyStrategy"]!.GetValue<string>());

        await admin.PutJsonAsync(url, new { enabled = true, ttlSeconds = 600, similarityThreshold = 0.9, keyStrategy = "conversation" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cache.update", _server.LastAudit()!.Action);
        Assert.Equal(ConfigEntityKinds.Cache, LastChange().EntityKind);
        var read = await (await admin.GetAsync(url).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.True(read["enabled"]!.GetValue<bool>());
        Assert.Equal(600, read["ttlSeconds"]!.GetValue<int>());
        Assert.Equal(0.9, read["similarityThreshold"]!.GetValue<double>());
        Assert.Equal("conversation", read["keyStrategy"]!.GetValue<string>());

        var invalid = await (await admin.PutJsonAsync(url, new { enabled = true, ttlSeconds = 0, similarityThreshold = 1.5 }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(invalid["errors"]!["ttlSeconds"]);
        Assert.NotNull(invalid["errors"]!["similarityThreshold"]);
        var tooLong = await (await admin.PutJsonAsync(url, new { enabled = true, ttlSeconds = 604_801 }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(tooLong["errors"]!["ttlSeconds"]);
        var strategy = await (await admin.PutJsonAsync(url, new { enabled = true, keyStrategy = "everything" }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(strategy["errors"]!["keyStrategy"]);
        var missing = await (await admin.PutJsonAsync(url, new { ttlSeconds = 10 }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(missing["errors"]!["enabled"]);
    }

    [Fact]
    public async Task SemanticGuard_DefaultThenReplaced_AndValidated()
    {
        using var admin = await OrgWithProjectAsync("semantic-org");
        const string url = "/api/orgs/semantic-org/projects/p1/semantic-guard";
        var defaults = await (await admin.GetAsync(url).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.False(defaults["enabled"]!.GetValue<bool>());
        Assert.True(defaults["isDefault"]!.GetValue<bool>());

        await admin.PutJsonAsync(url, new { enabled = true, threshold = 0.8, denyExamples = new[] { "how do I make a weapon" }, allowExamples = new[] { "weapon stats in my game" } })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("semantic-guard.update", _server.LastAudit()!.Action);
        Assert.Equal(ConfigEntityKinds.SemanticGuard, LastChange().EntityKind);
        var read = await (await admin.GetAsync(url).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("how do I make a weapon", read["denyExamples"]![0]!.GetValue<string>());
        Assert.Equal("weapon stats in my game", read["allowExamples"]![0]!.GetValue<string>());
        Assert.Equal(0.8, read["threshold"]!.GetValue<double>());

        var invalid = await (await admin.PutJsonAsync(url, new { enabled = true, threshold = 2.0, denyExamples = new[] { " " } }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(invalid["errors"]!["threshold"]);
        Assert.NotNull(invalid["errors"]!["denyExamples[0]"]);
        Assert.NotNull(invalid["errors"]!["denyExamples"]);
    }

    [Fact]
    public async Task McpServer_CreateReadUpdateDelete_NeverShowsTheCredentialReference()
    {
        using var admin = await OrgWithProjectAsync("mcp-org");
        const string reference = "file:/run/secrets/PROJCFG_MCP_GITHUB_TOKEN";
        var created = await admin.PostJsonAsync("/api/orgs/mcp-org/projects/p1/mcp-servers",
            new { name = "github", backendUrl = "https://mcp.example.com/github", timeoutMs = 15_000, credentialReference = reference }).ExpectAsync(HttpStatusCode.Created);
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain("PROJCFG_MCP_GITHUB_TOKEN", createdText, StringComparison.Ordinal);
        var view = await created.JsonAsync();
        Assert.True(view["hasCredential"]!.GetValue<bool>());
        Assert.True(view["enabled"]!.GetValue<bool>());
        Assert.Equal("mcp-server.create", _server.LastAudit()!.Action);
        Assert.Equal(ConfigEntityKinds.McpServer, LastChange().EntityKind);

        var read = await admin.GetAsync("/api/orgs/mcp-org/projects/p1/mcp-servers/github").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("PROJCFG_MCP_GITHUB_TOKEN", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var list = await admin.GetAsync("/api/orgs/mcp-org/projects/p1/mcp-servers").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("PROJCFG_MCP_GITHUB_TOKEN", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var patched = await admin.PatchJsonAsync("/api/orgs/mcp-org/projects/p1/mcp-servers/github", new { enabled = false, timeoutMs = 60_000 }).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("PROJCFG_MCP_GITHUB_TOKEN", await patched.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var patchedView = await patched.JsonAsync();
        Assert.False(patchedView["enabled"]!.GetValue<bool>());
        Assert.Equal(60_000, patchedView["timeoutMs"]!.GetValue<int>());
        Assert.True(patchedView["hasCredential"]!.GetValue<bool>());
        Assert.Equal("mcp-server.update", _server.LastAudit()!.Action);

        var invalid = await (await admin.PostJsonAsync("/api/orgs/mcp-org/projects/p1/mcp-servers",
            new { name = "Bad/Name", backendUrl = "ftp://mcp.example.com", timeoutMs = 50, credentialReference = "secret-value" }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(invalid["errors"]!["name"]);
        Assert.NotNull(invalid["errors"]!["backendUrl"]);
        Assert.NotNull(invalid["errors"]!["timeoutMs"]);
        Assert.NotNull(invalid["errors"]!["credentialReference"]);
        Assert.DoesNotContain("secret-value", invalid.ToJsonString(), StringComparison.Ordinal);
        await admin.PostJsonAsync("/api/orgs/mcp-org/projects/p1/mcp-servers", new { name = "github", backendUrl = "https://x.example" }).ExpectAsync(HttpStatusCode.Conflict);

        await admin.DeleteAsync("/api/orgs/mcp-org/projects/p1/mcp-servers/github").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("mcp-server.delete", _server.LastAudit()!.Action);
        await admin.GetAsync("/api/orgs/mcp-org/projects/p1/mcp-servers/github").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Member_IsDenied_EveryProjectConfigMutation_AndEachDenialIsAudited()
    {
        using var admin = await OrgWithProjectAsync("settings-member");
        await SeedAsync(admin, "settings-member");
        using var member = _server.Client(await _server.CreateUserTokenAsync("settings-member@example.com", "settings-member"));
        await ExpectAllDeniedAsync(member, "settings-member");
    }

    [Fact]
    public async Task OrgAdminOfAnotherOrganization_IsDenied_EveryProjectConfigMutationAndRead()
    {
        using var admin = await OrgWithProjectAsync("settings-victim");
        await SeedAsync(admin, "settings-victim");
        await admin.PostJsonAsync("/api/orgs", new { slug = "settings-attacker", name = "Attacker" }).ExpectAsync(HttpStatusCode.Created);
        using var attacker = _server.Client(await _server.CreateUserTokenAsync("settings-attacker@example.com", "settings-attacker", MembershipRole.OrgAdmin));
        await ExpectAllDeniedAsync(attacker, "settings-victim");

        foreach (var path in new[] { "providers", "providers/openai", "routes", "routes/chat", "budgets", "limits", "guardrails", "cache", "semantic-guard", "mcp-servers", "mcp-servers/docs" })
        {
            await attacker.GetAsync($"/api/orgs/settings-victim/projects/p1/{path}").ExpectAsync(HttpStatusCode.Forbidden);
        }

        var provider = await (await admin.GetAsync("/api/orgs/settings-victim/projects/p1/providers/openai").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("https://api.example.com/v1", provider["baseUrl"]!.GetValue<string>());
    }

    private static async Task SeedAsync(HttpClient admin, string org)
    {
        await admin.PostJsonAsync($"/api/orgs/{org}/projects/p1/providers", new { name = "openai", type = "openai", baseUrl = "https://api.example.com/v1" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects/p1/routes", new { logicalModel = "chat", strategy = "single", targets = new[] { new { provider = "openai", upstreamModel = "gpt-4o" } } })
            .ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects/p1/mcp-servers", new { name = "docs", backendUrl = "https://mcp.example.com/docs" }).ExpectAsync(HttpStatusCode.Created);
    }

    private async Task ExpectAllDeniedAsync(HttpClient client, string org)
    {
        var p = $"/api/orgs/{org}/projects/p1";
        var calls = new (string Action, Func<Task<HttpResponseMessage>> Call)[]
        {
            ("provider.create", () => client.PostJsonAsync($"{p}/providers", new { name = "evil", type = "openai", baseUrl = "https://evil.example/v1" })),
            ("provider.update", () => client.PatchJsonAsync($"{p}/providers/openai", new { baseUrl = "https://evil.example/v1" })),
            ("provider.delete", () => client.DeleteAsync($"{p}/providers/openai")),
            ("provider.test", () => client.PostAsync($"{p}/providers/openai/test", null)),
            ("route.create", () => client.PostJsonAsync($"{p}/routes", new { logicalModel = "evil", strategy = "single", targets = new[] { new { provider = "openai", upstreamModel = "x" } } })),
            ("route.update", () => client.PutJsonAsync($"{p}/routes/chat", new { strategy = "single", targets = new[] { new { provider = "openai", upstreamModel = "x" } } })),
            ("route.delete", () => client.DeleteAsync($"{p}/routes/chat")),
            ("budget.update", () => client.PutJsonAsync($"{p}/budgets/project/-", new { monthlyUsd = 1m })),
            ("budget.delete", () => client.DeleteAsync($"{p}/budgets/project/-")),
            ("limit.update", () => client.PutJsonAsync($"{p}/limits/project/-", new { tokensPerMinute = 1 })),
            ("limit.delete", () => client.DeleteAsync($"{p}/limits/project/-")),
            ("guardrails.update", () => client.PutJsonAsync($"{p}/guardrails", new { })),
            ("cache.update", () => client.PutJsonAsync($"{p}/cache", new { enabled = true })),
            ("semantic-guard.update", () => client.PutJsonAsync($"{p}/semantic-guard", new { enabled = false })),
            ("mcp-server.create", () => client.PostJsonAsync($"{p}/mcp-servers", new { name = "evil", backendUrl = "https://evil.example" })),
            ("mcp-server.update", () => client.PatchJsonAsync($"{p}/mcp-servers/docs", new { backendUrl = "https://evil.example" })),
            ("mcp-server.delete", () => client.DeleteAsync($"{p}/mcp-servers/docs")),
        };
        foreach (var (action, call) in calls)
        {
            await call().ExpectAsync(HttpStatusCode.Forbidden);
            var audit = _server.LastAudit()!;
            Assert.Equal(action, audit.Action);
            Assert.Equal(AuditOutcome.Denied, audit.Outcome);
            Assert.Equal(403, audit.HttpStatus);
            Assert.Equal(org, audit.OrganizationSlug);
        }
    }
}
