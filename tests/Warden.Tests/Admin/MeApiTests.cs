using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>
/// The personal portal's API (profile, allowed models, own keys, own usage and blocked requests) and the
/// organization usage reports for admins.
/// </summary>
public sealed class MeApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public MeApiTests(AdminApiServer server)
    {
        _server = server;
    }

    private sealed record Seeded(string Org, string MemberToken, Guid UserId, Guid ConsumerP2, Guid OrganizationId, Dictionary<string, Guid> Projects);

    /// <summary>
    /// Projects p1 (routes a, b, c), p2 (x, y), p3 (z). The member is in groups g1 (allows only a) and g2 (no list),
    /// both assigned to p1, and has a consumer in p2; nothing in p3.
    /// </summary>
    private async Task<Seeded> SeedAsync(string org)
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = org, name = org }).ExpectAsync(HttpStatusCode.Created);
        foreach (var p in new[] { "p1", "p2", "p3" })
        {
            await admin.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = p, name = p }).ExpectAsync(HttpStatusCode.Created);
        }

        var token = await _server.CreateUserTokenAsync($"dev@{org}.test", org);
        await admin.PostJsonAsync($"/api/orgs/{org}/groups", new { slug = "g1", name = "G1", allowedModels = new[] { "a" } }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/groups", new { slug = "g2", name = "G2" }).ExpectAsync(HttpStatusCode.Created);
        foreach (var g in new[] { "g1", "g2" })
        {
            await admin.PostJsonAsync($"/api/orgs/{org}/groups/{g}/members", new { email = $"dev@{org}.test" }).ExpectAsync(HttpStatusCode.Created);
            await admin.PutAsync($"/api/orgs/{org}/projects/p1/groups/{g}", null).ExpectAsync(HttpStatusCode.Created);
        }

        var consumer = await (await admin.PostJsonAsync($"/api/orgs/{org}/projects/p2/consumers", new { userEmail = $"dev@{org}.test" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();

        await using var db = _server.Contexts.CreateDbContext();
        var organization = await db.Organizations.SingleAsync(o => o.Slug == org);
        var projects = await db.Projects.Where(p => p.OrganizationId == organization.Id).ToDictionaryAsync(p => p.Slug, p => p.Id);
        var now = DateTimeOffset.UtcNow;
        foreach (var (project, models) in new[] { ("p1", new[] { "a", "b", "c" }), ("p2", new[] { "x", "y" }), ("p3", new[] { "z" }) })
        {
            var provider = new Provider { ProjectId = projects[project], Name = "mock", Type = ProviderType.Mock, BaseUrl = "http://mock.test", CreatedAt = now, UpdatedAt = now };
            db.Providers.Add(provider);
            foreach (var model in models)
            {
                var route = new Route { ProjectId = projects[project], LogicalModel = model, MaxAttempts = 1, CreatedAt = now, UpdatedAt = now };
                db.Routes.Add(route);
                db.RouteTargets.Add(new RouteTarget { RouteId = route.Id, ProviderId = provider.Id, UpstreamModel = "mock-" + model, Weight = 1, TimeoutMs = 1000 });
            }
        }

        await db.SaveChangesAsync();
        var userId = await db.Users.Where(u => u.Email == $"dev@{org}.test").Select(u => u.Id).SingleAsync();
        return new Seeded(org, token, userId, consumer["id"]!.GetValue<Guid>(), organization.Id, projects);
    }

    private static UsageRecord Usage(Seeded s, string project, Guid consumer, string model, DateTimeOffset at, decimal cost, long input = 100, long output = 10) => new()
    {
        EventId = Guid.CreateVersion7(),
        OccurredAt = at,
        OrganizationId = s.OrganizationId,
        ProjectId = s.Projects[project],
        ConsumerId = consumer,
        LogicalModel = model,
        InputTokens = input,
        OutputTokens = output,
        CacheReadTokens = 5,
        CostUsd = cost,
        Status = "ok",
        RequestId = "req-" + Guid.NewGuid().ToString("N"),
    };

    [Fact]
    public async Task Me_ShowsProfile_Organizations_AndModelsFilteredByGroupAllowLists()
    {
        var s = await SeedAsync("me-profile");
        using var member = _server.Client(s.MemberToken);

        var me = await (await member.GetAsync("/api/me").ExpectAsync(HttpStatusCode.OK)).JsonAsync();

        Assert.Equal("dev@me-profile.test", me["email"]!.GetValue<string>());
        Assert.Equal(s.UserId, me["userId"]!.GetValue<Guid>());
        Assert.False(me["isPlatformAdmin"]!.GetValue<bool>());
        Assert.Equal("member", me["organizations"]![0]!["role"]!.GetValue<string>());
        var models = me["allowedModels"]!.AsArray().ToDictionary(p => p!["project"]!.GetValue<string>(), p => p!["models"]!.AsArray().Select(m => m!.GetValue<string>()).ToList());
        Assert.Equal(["p1", "p2"], models.Keys.Order());
        Assert.Equal(["a"], models["p1"]);
        Assert.Equal(["x", "y"], models["p2"]);

        using var admin = _server.Admin();
        var bootstrap = await (await admin.GetAsync("/api/me").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("bootstrap-token", bootstrap["actor"]!.GetValue<string>());
        Assert.Null(bootstrap["userId"]);
        Assert.True(bootstrap["isPlatformAdmin"]!.GetValue<bool>());
    }

    [Fact]
    public async Task MyKeys_CreatedWhereEntitled_ListedAndRevocable_OthersKeysAreNotFound()
    {
        var s = await SeedAsync("me-keys");
        using var member = _server.Client(s.MemberToken);

        // Entitled through a group: the consumer org.project.<name from e-mail> is created with the key.
        var created = await (await member.PostJsonAsync("/api/me/keys", new { org = "me-keys", project = "p1", name = "laptop" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.StartsWith("wdn_", created["key"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("dev", created["consumer"]!.GetValue<string>());
        var audit = _server.LastAudit()!;
        Assert.Equal(("key.create", AuditOutcome.Allowed, "dev@me-keys.test"), (audit.Action, audit.Outcome, audit.Actor));
        await using (var db = _server.Contexts.CreateDbContext())
        {
            var revision = await db.ConfigRevisions.Include(r => r.Changes).OrderByDescending(r => r.Id).FirstAsync();
            Assert.Contains(revision.Changes, c => c.EntityKind == ConfigEntityKinds.Consumer && c.Operation == ConfigOperation.Created);
            Assert.Contains(revision.Changes, c => c.EntityKind == ConfigEntityKinds.ApiKey && c.EntityId == created["id"]!.GetValue<Guid>());
        }

        // Entitled through an existing consumer.
        await member.PostJsonAsync("/api/me/keys", new { org = "me-keys", project = "p2" }).ExpectAsync(HttpStatusCode.Created);

        // Not entitled: no consumer, no group assigned.
        await member.PostJsonAsync("/api/me/keys", new { org = "me-keys", project = "p3" }).ExpectAsync(HttpStatusCode.Forbidden);
        audit = _server.LastAudit()!;
        Assert.Equal(("key.create", AuditOutcome.Denied, "dev@me-keys.test"), (audit.Action, audit.Outcome, audit.Actor));

        var list = await (await member.GetAsync("/api/me/keys").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(["me-keys.p1.dev", "me-keys.p2.dev"], list["items"]!.AsArray().Select(k => k!["consumer"]!.GetValue<string>()).Order());
        Assert.DoesNotContain(created["key"]!.GetValue<string>(), list.ToJsonString(), StringComparison.Ordinal);

        // Someone else's key in the same organization.
        using var admin = _server.Admin();
        var service = await (await admin.PostJsonAsync("/api/orgs/me-keys/projects/p1/consumers", new { name = "batch" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var foreign = await (await admin.PostJsonAsync("/api/orgs/me-keys/projects/p1/keys", new { consumerId = service["id"]!.GetValue<Guid>() }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        await member.PostAsync($"/api/me/keys/{foreign["id"]}/revoke", null).ExpectAsync(HttpStatusCode.NotFound);

        var revoked = await (await member.PostAsync($"/api/me/keys/{created["id"]}/revoke", null).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("revoked", revoked["status"]!.GetValue<string>());
        Assert.Equal("key.revoke", _server.LastAudit()!.Action);
        await using var check = _server.Contexts.CreateDbContext();
        Assert.Null((await check.ApiKeys.SingleAsync(k => k.Id == foreign["id"]!.GetValue<Guid>())).RevokedAt);
    }

    [Fact]
    public async Task MyUsage_ThisMonth_ByModel_WithConsumerBudget()
    {
        var s = await SeedAsync("me-usage");
        using var admin = _server.Admin();
        var other = await (await admin.PostJsonAsync("/api/orgs/me-usage/projects/p2/consumers", new { name = "batch" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var (monthStart, _) = UsageLedgerQueries.CalendarMonthUtc(DateTimeOffset.UtcNow);
        await using (var db = _server.Contexts.CreateDbContext())
        {
            db.UsageRecords.AddRange(
                Usage(s, "p2", s.ConsumerP2, "x", monthStart.AddMinutes(1), 1.25m, input: 1000, output: 200),
                Usage(s, "p2", s.ConsumerP2, "x", monthStart.AddMinutes(2), 0.75m, input: 500, output: 100),
                Usage(s, "p2", s.ConsumerP2, "y", monthStart.AddMinutes(3), 0.5m, input: 10, output: 1),
                Usage(s, "p2", s.ConsumerP2, "x", monthStart.AddMinutes(-1), 100m),
                Usage(s, "p2", other["id"]!.GetValue<Guid>(), "x", monthStart.AddMinutes(1), 50m));
            db.Budgets.Add(new Budget
            {
                Scope = ScopeKind.Consumer, ScopeId = s.ConsumerP2, OrganizationId = s.OrganizationId, ProjectId = s.Projects["p2"], MonthlyUsd = 10m,
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        using var member = _server.Client(s.MemberToken);
        var usage = await (await member.GetAsync("/api/me/usage").ExpectAsync(HttpStatusCode.OK)).JsonAsync();

        Assert.Equal(2.5m, usage["spentUsd"]!.GetValue<decimal>());
        Assert.Equal(1510, usage["inputTokens"]!.GetValue<long>());
        Assert.Equal(301, usage["outputTokens"]!.GetValue<long>());
        Assert.Equal(15, usage["cacheReadTokens"]!.GetValue<long>());
        Assert.Equal(3, usage["requests"]!.GetValue<long>());
        Assert.Equal(10m, usage["budgetUsd"]!.GetValue<decimal>());
        Assert.Equal(7.5m, usage["remainingUsd"]!.GetValue<decimal>());
        var byModel = usage["byModel"]!.AsArray().ToDictionary(m => m!["key"]!.GetValue<string>(), m => m!["costUsd"]!.GetValue<decimal>());
        Assert.Equal(new Dictionary<string, decimal> { ["x"] = 2m, ["y"] = 0.5m }, byModel);
        Assert.Equal("me-usage.p2.dev", usage["byConsumer"]![0]!["consumer"]!.GetValue<string>());
    }

    [Fact]
    public async Task MyBlockedRequests_OnlyOwn_Paginated()
    {
        var s = await SeedAsync("me-blocks");
        using var admin = _server.Admin();
        var other = await (await admin.PostJsonAsync("/api/orgs/me-blocks/projects/p2/consumers", new { name = "batch" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var now = DateTimeOffset.UtcNow;
        await using (var db = _server.Contexts.CreateDbContext())
        {
            for (var i = 0; i < 3; i++)
            {
                db.GuardrailBlocks.Add(new GuardrailBlock
                {
                    Id = Guid.CreateVersion7(), OccurredAt = now.AddMinutes(-i), OrganizationId = s.OrganizationId, ProjectId = s.Projects["p2"],
                    ConsumerId = s.ConsumerP2, RuleId = "pii.email", Kind = "pii", Snippet = $"mail me at [EMAIL] #{i}",
                });
            }

            db.GuardrailBlocks.Add(new GuardrailBlock
            {
                Id = Guid.CreateVersion7(), OccurredAt = now, OrganizationId = s.OrganizationId, ProjectId = s.Projects["p2"],
                ConsumerId = other["id"]!.GetValue<Guid>(), RuleId = "pattern.jailbreak", Kind = "pattern", Snippet = "not yours",
            });
            await db.SaveChangesAsync();
        }

        using var member = _server.Client(s.MemberToken);
        var first = await (await member.GetAsync("/api/me/blocked-requests?limit=2").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(["mail me at [EMAIL] #0", "mail me at [EMAIL] #1"], first["items"]!.AsArray().Select(b => b!["snippet"]!.GetValue<string>()));
        Assert.Equal("me-blocks.p2.dev", first["items"]![0]!["consumer"]!.GetValue<string>());
        Assert.Equal(2, first["nextOffset"]!.GetValue<int>());
        var rest = await (await member.GetAsync("/api/me/blocked-requests?limit=2&offset=2").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Single(rest["items"]!.AsArray());
        Assert.Null(rest["nextOffset"]);

        // Org admins see every block of the organization; members do not get the organization's view.
        await member.GetAsync("/api/orgs/me-blocks/guardrail-blocks").ExpectAsync(HttpStatusCode.Forbidden);
        var all = await (await admin.GetAsync("/api/orgs/me-blocks/guardrail-blocks?project=p2").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(4, all["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task OrganizationUsage_ByProjectConsumerModelAndDay_OrgAdminOnly()
    {
        var s = await SeedAsync("org-usage");
        await using (var db = _server.Contexts.CreateDbContext())
        {
            var day1 = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);
            db.UsageRecords.AddRange(
                Usage(s, "p2", s.ConsumerP2, "x", day1, 1m),
                Usage(s, "p2", s.ConsumerP2, "y", day1.AddHours(1), 2m),
                Usage(s, "p1", Guid.NewGuid(), "a", day1.AddDays(1), 4m),
                Usage(s, "p1", Guid.NewGuid(), "a", day1.AddDays(5), 8m));
            await db.SaveChangesAsync();
        }

        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@org-usage.test", "org-usage", MembershipRole.OrgAdmin));
        var report = await (await orgAdmin.GetAsync("/api/orgs/org-usage/usage?from=2026-01-01&to=2026-01-03").ExpectAsync(HttpStatusCode.OK)).JsonAsync();

        Assert.Equal(7m, report["total"]!["costUsd"]!.GetValue<decimal>());
        Assert.Equal(3, report["total"]!["requests"]!.GetValue<long>());
        Assert.Equal(new Dictionary<string, decimal> { ["p1"] = 4m, ["p2"] = 3m }, Rows(report["byProject"]!));
        Assert.Equal(new Dictionary<string, decimal> { ["a"] = 4m, ["y"] = 2m, ["x"] = 1m }, Rows(report["byModel"]!));
        Assert.Equal(new Dictionary<string, decimal> { ["2026-01-01"] = 3m, ["2026-01-02"] = 4m }, Rows(report["byDay"]!));
        Assert.Equal(3m, Rows(report["byConsumer"]!)["org-usage.p2.dev"]);

        var invalid = await (await orgAdmin.GetAsync("/api/orgs/org-usage/usage?from=2026-02-01&to=2026-01-01").ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(invalid["errors"]!["to"]);

        using var member = _server.Client(s.MemberToken);
        await member.GetAsync("/api/orgs/org-usage/usage").ExpectAsync(HttpStatusCode.Forbidden);
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = "org-usage-b", name = "B" }).ExpectAsync(HttpStatusCode.Created);
        await orgAdmin.GetAsync("/api/orgs/org-usage-b/usage").ExpectAsync(HttpStatusCode.Forbidden);
        await orgAdmin.GetAsync("/api/orgs/org-usage-b/guardrail-blocks").ExpectAsync(HttpStatusCode.Forbidden);
    }

    private static Dictionary<string, decimal> Rows(System.Text.Json.Nodes.JsonNode rows) =>
        rows.AsArray().ToDictionary(r => r!["key"]!.GetValue<string>(), r => r!["costUsd"]!.GetValue<decimal>());
}
