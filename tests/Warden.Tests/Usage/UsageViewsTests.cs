using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Storage.Entities;
using Warden.Tests.Admin;

namespace Warden.Tests.Usage;

/// <summary>
/// SPEC ML-5 views over a real PostgreSQL ledger: organization, project and platform reports (exact decimal sums, UTC
/// month boundaries, RBAC) and the member's month with the tightest applicable budget.
/// </summary>
public sealed class UsageViewsTests : IClassFixture<AdminApiServer>
{
    private static readonly DateTimeOffset s_march = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_april = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly AdminApiServer _server;

    public UsageViewsTests(AdminApiServer server)
    {
        _server = server;
    }

    [Fact]
    public async Task OrganizationUsage_CalendarMonthUtc_IncludesFirstMicrosecond_ExcludesNextMonth_SumsExactly()
    {
        var s = await LedgerSeed.CreateAsync(_server, "views-month", "p1");
        await s.InsertAsync(
            s.Row("p1/svc", "m", s_march.AddTicks(-10), 1000m), // last microsecond of February
            s.Row("p1/svc", "m", s_march, 0.000000001m), // first instant of March
            s.Row("p1/svc", "m", s_march.AddDays(15), 0.1m),
            s.Row("p1/svc", "m", s_march.AddDays(20), 0.2m),
            s.Row("p1/svc", "m", s_april.AddTicks(-10), 12345678901.123456789m), // last microsecond of March
            s.Row("p1/svc", "m", s_april, 2000m)); // first instant of April

        using var admin = _server.Client(s.OrgAdminToken);
        var report = await GetAsync(admin, "/api/orgs/views-month/usage?from=2026-03-01&to=2026-04-01");
        // The same window written with an offset: 02:00 at +02:00 is 00:00 UTC.
        var offsetReport = await GetAsync(admin, "/api/orgs/views-month/usage?from=" + Uri.EscapeDataString("2026-03-01T02:00:00+02:00") + "&to=2026-04-01T00:00:00Z");

        Assert.Equal(12345678901.423456790m, report["total"]!["costUsd"]!.GetValue<decimal>());
        Assert.Equal(4, report["total"]!["requests"]!.GetValue<long>());
        Assert.Equal(report["total"]!.ToJsonString(), offsetReport["total"]!.ToJsonString());
        var days = Rows(report["byDay"]!);
        Assert.Equal(["2026-03-01", "2026-03-16", "2026-03-21", "2026-03-31"], days.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0.000000001m, days["2026-03-01"]);
        Assert.Equal(12345678901.123456789m, days["2026-03-31"]);
    }

    [Fact]
    public async Task ProjectUsage_OnlyThatProject_ByConsumerModelAndDay()
    {
        var s = await LedgerSeed.CreateAsync(_server, "views-proj", "p1", "p2");
        await s.AddConsumerAsync("p1", "batch");
        var day = s_march.AddDays(4);
        await s.InsertAsync(
            s.Row("p1/svc", "gpt", day, 1.5m, input: 1000, output: 100, cacheRead: 400, cacheWrite: 7),
            s.Row("p1/svc", "claude", day.AddHours(1), 0.25m, input: 10, output: 1),
            s.Row("p1/batch", "gpt", day.AddDays(1), 3m, input: 2000, output: 200),
            s.Row("p2/svc", "gpt", day, 100m));

        using var admin = _server.Client(s.OrgAdminToken);
        var report = await GetAsync(admin, "/api/orgs/views-proj/projects/p1/usage?from=2026-03-01&to=2026-04-01");

        Assert.Equal(4.75m, report["total"]!["costUsd"]!.GetValue<decimal>());
        Assert.Equal(3010, report["total"]!["inputTokens"]!.GetValue<long>());
        Assert.Equal(301, report["total"]!["outputTokens"]!.GetValue<long>());
        Assert.Equal(400, report["total"]!["cacheReadTokens"]!.GetValue<long>());
        Assert.Equal(7, report["total"]!["cacheWriteTokens"]!.GetValue<long>());
        Assert.Equal(new Dictionary<string, decimal> { ["p1"] = 4.75m }, Rows(report["byProject"]!));
        Assert.Equal(new Dictionary<string, decimal> { ["views-proj.p1.svc"] = 1.75m, ["views-proj.p1.batch"] = 3m }, Rows(report["byConsumer"]!));
        Assert.Equal(new Dictionary<string, decimal> { ["gpt"] = 4.5m, ["claude"] = 0.25m }, Rows(report["byModel"]!));
        Assert.Equal(new Dictionary<string, decimal> { ["2026-03-05"] = 1.75m, ["2026-03-06"] = 3m }, Rows(report["byDay"]!));
    }

    [Fact]
    public async Task ProjectUsage_MemberAndOtherOrgAdmin_Denied_UnknownProject_NotFound()
    {
        var s = await LedgerSeed.CreateAsync(_server, "views-rbac", "p1");
        var other = await LedgerSeed.CreateAsync(_server, "views-rbac-other", "p1");
        using var member = _server.Client(s.MemberToken);
        using var otherAdmin = _server.Client(other.OrgAdminToken);
        using var admin = _server.Client(s.OrgAdminToken);

        await member.GetAsync("/api/orgs/views-rbac/projects/p1/usage").ExpectAsync(HttpStatusCode.Forbidden);
        await otherAdmin.GetAsync("/api/orgs/views-rbac/projects/p1/usage").ExpectAsync(HttpStatusCode.Forbidden);
        await admin.GetAsync("/api/orgs/views-rbac/projects/nope/usage").ExpectAsync(HttpStatusCode.NotFound);
        await admin.GetAsync("/api/orgs/views-rbac/projects/p1/usage").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PlatformUsage_AllOrganizations_PlatformAdminOnly()
    {
        var a = await LedgerSeed.CreateAsync(_server, "views-plat-a", "p1");
        var b = await LedgerSeed.CreateAsync(_server, "views-plat-b", "p1");
        // A window no other test of this class writes into, so the platform-wide totals are this test's rows only.
        var at = new DateTimeOffset(2019, 6, 10, 12, 0, 0, TimeSpan.Zero);
        await a.InsertAsync(a.Row("p1/svc", "gpt", at, 1.1m), a.Row("p1/svc", "claude", at.AddDays(1), 2.2m));
        await b.InsertAsync(b.Row("p1/svc", "gpt", at, 4.4m));

        using var platform = _server.Admin();
        var report = await GetAsync(platform, "/api/usage?from=2019-06-01&to=2019-07-01");

        Assert.Equal(7.7m, report["total"]!["costUsd"]!.GetValue<decimal>());
        Assert.Equal(new Dictionary<string, decimal> { ["views-plat-a"] = 3.3m, ["views-plat-b"] = 4.4m }, Rows(report["byOrganization"]!));
        Assert.Equal(new Dictionary<string, decimal> { ["gpt"] = 5.5m, ["claude"] = 2.2m }, Rows(report["byModel"]!));
        Assert.Equal(new Dictionary<string, decimal> { ["2019-06-10"] = 5.5m, ["2019-06-11"] = 2.2m }, Rows(report["byDay"]!));

        using var orgAdmin = _server.Client(a.OrgAdminToken);
        using var member = _server.Client(a.MemberToken);
        await orgAdmin.GetAsync("/api/usage").ExpectAsync(HttpStatusCode.Forbidden);
        await member.GetAsync("/api/usage").ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task MyUsage_TightestApplicableBudget_AcrossOrgProjectGroupAndConsumerScopes()
    {
        var s = await LedgerSeed.CreateAsync(_server, "views-me", "p1");
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs/views-me/groups", new { slug = "team", name = "Team" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/views-me/groups/team/members", new { email = "dev@views-me.test" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PutAsync("/api/orgs/views-me/projects/p1/groups/team", null).ExpectAsync(HttpStatusCode.Created);
        var mine = await (await admin.PostJsonAsync("/api/orgs/views-me/projects/p1/consumers", new { userEmail = "dev@views-me.test" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var me = mine["id"]!.GetValue<Guid>();
        s.Consumers["p1/me"] = me;

        var (monthStart, _) = UsageLedgerQueries.CalendarMonthUtc(DateTimeOffset.UtcNow);
        await using (var db = _server.Contexts.CreateDbContext())
        {
            var groupId = await db.Groups.Where(g => g.Slug == "team" && g.OrganizationId == s.OrganizationId).Select(g => g.Id).SingleAsync();
            var mineRow = s.Row("p1/me", "gpt", monthStart, 2m, input: 700, output: 70, cacheRead: 300);
            var lastMonth = s.Row("p1/me", "gpt", monthStart.AddTicks(-10), 500m);
            db.UsageRecords.AddRange(mineRow, lastMonth, s.Row("p1/svc", "gpt", monthStart.AddHours(1), 5m));
            // The group's share of the ledger (the ingest attributes a request to the consumer's groups).
            db.UsageRecordGroups.AddRange(
                new UsageRecordGroup { EventId = mineRow.EventId, GroupId = groupId, OccurredAt = mineRow.OccurredAt, CostUsd = mineRow.CostUsd },
                new UsageRecordGroup { EventId = lastMonth.EventId, GroupId = groupId, OccurredAt = lastMonth.OccurredAt, CostUsd = lastMonth.CostUsd });
            var now = DateTimeOffset.UtcNow;
            db.Budgets.AddRange(
                new Budget { Scope = ScopeKind.Org, ScopeId = s.OrganizationId, OrganizationId = s.OrganizationId, MonthlyUsd = 100m, CreatedAt = now, UpdatedAt = now },
                new Budget { Scope = ScopeKind.Project, ScopeId = s.Projects["p1"], OrganizationId = s.OrganizationId, ProjectId = s.Projects["p1"], MonthlyUsd = 10m, CreatedAt = now, UpdatedAt = now },
                new Budget { Scope = ScopeKind.Group, ScopeId = groupId, OrganizationId = s.OrganizationId, MonthlyUsd = 4m, CreatedAt = now, UpdatedAt = now },
                new Budget { Scope = ScopeKind.Consumer, ScopeId = me, OrganizationId = s.OrganizationId, ProjectId = s.Projects["p1"], MonthlyUsd = 5m, CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        using var member = _server.Client(s.MemberToken);
        var usage = await GetAsync(member, "/api/me/usage");

        // Own spend this month: 2 (last month's 500 and the service consumer's 5 are not mine).
        Assert.Equal(2m, usage["spentUsd"]!.GetValue<decimal>());
        Assert.Equal(700, usage["inputTokens"]!.GetValue<long>());
        Assert.Equal(70, usage["outputTokens"]!.GetValue<long>());
        Assert.Equal(300, usage["cacheReadTokens"]!.GetValue<long>());
        // Remaining: org 100 − 7 = 93, project 10 − 7 = 3, group 4 − 2 = 2, consumer 5 − 2 = 3 → the group binds.
        Assert.Equal("group", usage["budgetScope"]!.GetValue<string>());
        Assert.Equal(4m, usage["budgetUsd"]!.GetValue<decimal>());
        Assert.Equal(2m, usage["remainingUsd"]!.GetValue<decimal>());
        var consumer = usage["byConsumer"]!.AsArray().Single()!;
        Assert.Equal("views-me.p1.dev", consumer["consumer"]!.GetValue<string>());
        var budgets = consumer["budgets"]!.AsArray().Select(b => (b!["scope"]!.GetValue<string>(), b["name"]!.GetValue<string>(), b["spentUsd"]!.GetValue<decimal>(), b["remainingUsd"]!.GetValue<decimal>())).ToList();
        Assert.Equal(
            [("org", "views-me", 7m, 93m), ("project", "views-me.p1", 7m, 3m), ("group", "team", 2m, 2m), ("consumer", "views-me.p1.dev", 2m, 3m)],
            budgets);
    }

    [Fact]
    public async Task MyUsage_NoBudgetApplies_BudgetFieldsAreNull()
    {
        var s = await LedgerSeed.CreateAsync(_server, "views-nobudget", "p1");
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs/views-nobudget/projects/p1/consumers", new { userEmail = "dev@views-nobudget.test" }).ExpectAsync(HttpStatusCode.Created);

        using var member = _server.Client(s.MemberToken);
        var usage = await GetAsync(member, "/api/me/usage");

        Assert.Equal(0m, usage["spentUsd"]!.GetValue<decimal>());
        Assert.Null(usage["budgetUsd"]);
        Assert.Null(usage["remainingUsd"]);
        Assert.Null(usage["budgetScope"]);
        Assert.Empty(usage["byConsumer"]!.AsArray().Single()!["budgets"]!.AsArray());
    }

    private static async Task<JsonNode> GetAsync(HttpClient client, string path) =>
        await (await client.GetAsync(path).ExpectAsync(HttpStatusCode.OK)).JsonAsync();

    private static Dictionary<string, decimal> Rows(JsonNode rows) =>
        rows.AsArray().ToDictionary(r => r!["key"]!.GetValue<string>(), r => r!["costUsd"]!.GetValue<decimal>());
}
