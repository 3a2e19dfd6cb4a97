using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>Routes through the admin API: CRUD, re-pointing with PUT, validation of strategies and targets.</summary>
public sealed class RouteApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public RouteApiTests(AdminApiServer server)
    {
        _server = server;
    }

    private async Task<HttpClient> OrgWithProvidersAsync(string org)
    {
        var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = org, name = org }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = "p1", name = "P1" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = "p2", name = "P2" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects/p1/providers", new { name = "openai", type = "openai", baseUrl = "https://api.example.com/v1" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects/p1/providers", new { name = "anthropic", type = "anthropic", baseUrl = "https://anthropic.example.com/v1" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects/p2/providers", new { name = "other", type = "openai", baseUrl = "https://other.example.com/v1" }).ExpectAsync(HttpStatusCode.Created);
        return admin;
    }

    private ConfigChange LastChange()
    {
        using var db = _server.Contexts.CreateDbContext();
        return db.ConfigChanges.AsNoTracking().OrderByDescending(c => c.Id).First();
    }

    [Fact]
    public async Task Route_CreateReadRepointDelete_EachWriteAuditedAndPublished()
    {
        using var admin = await OrgWithProvidersAsync("route-crud");
        var created = await (await admin.PostJsonAsync("/api/orgs/route-crud/projects/p1/routes", new
        {
            logicalModel = "coding-default",
            strategy = "fallback",
            targets = new object[]
            {
                new { provider = "openai", upstreamModel = "gpt-4o", timeoutMs = 20_000 },
                new { provider = "anthropic", upstreamModel = "claude-sonnet-4-5" },
            },
        }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("fallback", created["strategy"]!.GetValue<string>());
        Assert.Equal(2, created["maxAttempts"]!.GetValue<int>());
        Assert.Equal("openai", created["targets"]![0]!["provider"]!.GetValue<string>());
        Assert.Equal(20_000, created["targets"]![0]!["timeoutMs"]!.GetValue<int>());
        Assert.Equal("anthropic", created["targets"]![1]!["provider"]!.GetValue<string>());
        Assert.Equal("route.create", _server.LastAudit()!.Action);
        var change = LastChange();
        Assert.Equal(ConfigEntityKinds.Route, change.EntityKind);
        Assert.Equal(created["id"]!.GetValue<Guid>(), change.EntityId);

        var read = await (await admin.GetAsync("/api/orgs/route-crud/projects/p1/routes/coding-default").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("claude-sonnet-4-5", read["targets"]![1]!["upstreamModel"]!.GetValue<string>());

        var repointed = await (await admin.PutJsonAsync("/api/orgs/route-crud/projects/p1/routes/coding-default", new
        {
            strategy = "single",
            targets = new[] { new { provider = "anthropic", upstreamModel = "claude-haiku-4-5" } },
        }).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("single", repointed["strategy"]!.GetValue<string>());
        Assert.Single(repointed["targets"]!.AsArray());
        Assert.Equal("route.update", _server.LastAudit()!.Action);
        Assert.Equal(ConfigOperation.Updated, LastChange().Operation);

        var reread = await (await admin.GetAsync("/api/orgs/route-crud/projects/p1/routes/coding-default").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("claude-haiku-4-5", reread["targets"]![0]!["upstreamModel"]!.GetValue<string>());
        Assert.Equal(1, reread["maxAttempts"]!.GetValue<int>());
        await using (var db = _server.Contexts.CreateDbContext())
        {
            var routeId = created["id"]!.GetValue<Guid>();
            Assert.Equal(1, await db.RouteTargets.CountAsync(t => t.RouteId == routeId));
        }

        var list = await (await admin.GetAsync("/api/orgs/route-crud/projects/p1/routes").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("coding-default", list["items"]![0]!["logicalModel"]!.GetValue<string>());

        await admin.PostJsonAsync("/api/orgs/route-crud/projects/p1/routes", new
        {
            logicalModel = "coding-default",
            strategy = "single",
            targets = new[] { new { provider = "openai", upstreamModel = "gpt-4o" } },
        }).ExpectAsync(HttpStatusCode.Conflict);

        await admin.DeleteAsync("/api/orgs/route-crud/projects/p1/routes/coding-default").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("route.delete", _server.LastAudit()!.Action);
        Assert.Equal(ConfigOperation.Deleted, LastChange().Operation);
        await admin.GetAsync("/api/orgs/route-crud/projects/p1/routes/coding-default").ExpectAsync(HttpStatusCode.NotFound);
        await admin.PutJsonAsync("/api/orgs/route-crud/projects/p1/routes/coding-default", new
        {
            strategy = "single",
            targets = new[] { new { provider = "openai", upstreamModel = "gpt-4o" } },
        }).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Route_Validation_NamesNestedTargetFields()
    {
        using var admin = await OrgWithProvidersAsync("route-invalid");
        var foreign = await (await admin.PostJsonAsync("/api/orgs/route-invalid/projects/p1/routes", new
        {
            logicalModel = "chat",
            strategy = "weighted",
            maxAttempts = 9,
            targets = new object[]
            {
                new { provider = "other", upstreamModel = "gpt-4o", weight = 1 },
                new { provider = "openai", upstreamModel = "gpt-4o", weight = 0 },
                new { provider = "openai", upstreamModel = "", weight = 1, timeoutMs = 5 },
            },
        }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        var errors = foreign["errors"]!;
        Assert.NotNull(errors["targets[0].provider"]);
        Assert.NotNull(errors["targets[1].weight"]);
        Assert.NotNull(errors["targets[2].upstreamModel"]);
        Assert.NotNull(errors["targets[2].timeoutMs"]);
        Assert.NotNull(errors["maxAttempts"]);

        var empty = await (await admin.PostJsonAsync("/api/orgs/route-invalid/projects/p1/routes", new { logicalModel = "chat", strategy = "fallback", targets = Array.Empty<object>() })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(empty["errors"]!["targets"]);

        var twoSingles = await (await admin.PostJsonAsync("/api/orgs/route-invalid/projects/p1/routes", new
        {
            logicalModel = "chat",
            strategy = "single",
            targets = new[] { new { provider = "openai", upstreamModel = "a" }, new { provider = "anthropic", upstreamModel = "b" } },
        }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(twoSingles["errors"]!["targets"]);

        var missingProvider = await (await admin.PostJsonAsync("/api/orgs/route-invalid/projects/p1/routes", new
        {
            logicalModel = "chat",
            strategy = "single",
            targets = new[] { new { upstreamModel = "gpt-4o" } },
        }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(missingProvider["errors"]!["targets[0].provider"]);

        var badName = await (await admin.PostJsonAsync("/api/orgs/route-invalid/projects/p1/routes", new
        {
            logicalModel = "has space",
            strategy = "bogus",
            targets = new[] { new { provider = "openai", upstreamModel = "gpt-4o" } },
        }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(badName["errors"]!["strategy"]);

        var spaced = await (await admin.PostJsonAsync("/api/orgs/route-invalid/projects/p1/routes", new
        {
            logicalModel = "has space",
            strategy = "single",
            targets = new[] { new { provider = "openai", upstreamModel = "gpt-4o" } },
        }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(spaced["errors"]!["logicalModel"]);

        await admin.PostJsonAsync("/api/orgs/route-invalid/projects/p1/routes", new
        {
            logicalModel = "chat",
            strategy = "single",
            targets = new[] { new { provider = "openai", upstreamModel = "gpt-4o" } },
        }).ExpectAsync(HttpStatusCode.Created);
        var repointForeign = await (await admin.PutJsonAsync("/api/orgs/route-invalid/projects/p1/routes/chat", new
        {
            strategy = "single",
            targets = new[] { new { provider = "other", upstreamModel = "gpt-4o" } },
        }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(repointForeign["errors"]!["targets[0].provider"]);
        var unchanged = await (await admin.GetAsync("/api/orgs/route-invalid/projects/p1/routes/chat").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("openai", unchanged["targets"]![0]!["provider"]!.GetValue<string>());
    }

    [Fact]
    public async Task Member_AndOtherOrgAdmin_AreDeniedRouteMutations_WithDeniedAuditRows()
    {
        using var admin = await OrgWithProvidersAsync("route-rbac");
        await admin.PostJsonAsync("/api/orgs", new { slug = "route-rbac-other", name = "Other" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/route-rbac/projects/p1/routes", new
        {
            logicalModel = "chat",
            strategy = "single",
            targets = new[] { new { provider = "openai", upstreamModel = "gpt-4o" } },
        }).ExpectAsync(HttpStatusCode.Created);
        using var member = _server.Client(await _server.CreateUserTokenAsync("route-member@example.com", "route-rbac"));
        using var otherAdmin = _server.Client(await _server.CreateUserTokenAsync("route-other-admin@example.com", "route-rbac-other", MembershipRole.OrgAdmin));
        var body = new { logicalModel = "chat2", strategy = "single", targets = new[] { new { provider = "openai", upstreamModel = "gpt-4o" } } };
        var put = new { strategy = "single", targets = new[] { new { provider = "anthropic", upstreamModel = "x" } } };

        foreach (var client in new[] { member, otherAdmin })
        {
            var calls = new (string Action, Func<Task<HttpResponseMessage>> Call)[]
            {
                ("route.create", () => client.PostJsonAsync("/api/orgs/route-rbac/projects/p1/routes", body)),
                ("route.update", () => client.PutJsonAsync("/api/orgs/route-rbac/projects/p1/routes/chat", put)),
                ("route.delete", () => client.DeleteAsync("/api/orgs/route-rbac/projects/p1/routes/chat")),
            };
            foreach (var (action, call) in calls)
            {
                await call().ExpectAsync(HttpStatusCode.Forbidden);
                var audit = _server.LastAudit()!;
                Assert.Equal(action, audit.Action);
                Assert.Equal(AuditOutcome.Denied, audit.Outcome);
            }

            await client.GetAsync("/api/orgs/route-rbac/projects/p1/routes/chat").ExpectAsync(HttpStatusCode.Forbidden);
        }

        var unchanged = await (await admin.GetAsync("/api/orgs/route-rbac/projects/p1/routes/chat").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("openai", unchanged["targets"]![0]!["provider"]!.GetValue<string>());
    }
}
