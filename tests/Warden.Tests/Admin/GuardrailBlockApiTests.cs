using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.ControlPlane.Usage;
using Warden.Core.Usage;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>
/// Guardrail blocks end to end on a real control plane and PostgreSQL: a usage batch carrying blocks goes through the
/// ingest service (the in-process transport of <c>warden serve</c>, same code as <c>POST /internal/usage</c>), then
/// shows in the member's "Blocked requests" and the organization's "Guardrail blocks", can be reported as a false
/// positive by its own member only, and stays invisible to other organizations.
/// </summary>
public sealed class GuardrailBlockApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public GuardrailBlockApiTests(AdminApiServer server)
    {
        _server = server;
    }

    private sealed record Seeded(Guid OrganizationId, Guid ProjectId, Guid ConsumerId, string MemberToken);

    /// <summary>An organization with project p1 and a member who has a consumer there.</summary>
    private async Task<Seeded> SeedAsync(string org)
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = org, name = org }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = "p1", name = "P1" }).ExpectAsync(HttpStatusCode.Created);
        var token = await _server.CreateUserTokenAsync($"dev@{org}.test", org);
        var consumer = await (await admin.PostJsonAsync($"/api/orgs/{org}/projects/p1/consumers", new { userEmail = $"dev@{org}.test" })
            .ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        await using var db = _server.Contexts.CreateDbContext();
        var organization = await db.Organizations.SingleAsync(o => o.Slug == org);
        var project = await db.Projects.SingleAsync(p => p.OrganizationId == organization.Id);
        return new Seeded(organization.Id, project.Id, consumer["id"]!.GetValue<Guid>(), token);
    }

    private static UsageEvent Event(Seeded s, Guid consumerId, string model, decimal cost, GuardrailBlockInfo? block = null) => new()
    {
        EventId = Guid.CreateVersion7(),
        OccurredAt = DateTimeOffset.UtcNow,
        OrganizationId = s.OrganizationId,
        ProjectId = s.ProjectId,
        ConsumerId = consumerId,
        GroupIds = [],
        KeyId = Guid.NewGuid(),
        LogicalModel = model,
        ProviderName = block is null ? "mock" : null,
        UpstreamModel = block is null ? "mock-" + model : null,
        Tokens = block is null ? new TokenUsage(100, 10, 0, 0) : default,
        UsageReported = block is null,
        CostUsd = cost,
        Status = block is null ? "ok" : "guardrail_blocked",
        HttpStatus = block is null ? 200 : 403,
        RequestId = "req-" + Guid.NewGuid().ToString("N"),
        Block = block,
    };

    private async Task<UsageIngestResult> IngestAsync(params UsageEvent[] events)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new UsageBatch { Events = events }, UsageJsonContext.Default.UsageBatch);
        return await _server.Services.GetRequiredService<UsageIngestService>().IngestAsync(json, CancellationToken.None);
    }

    [Fact]
    public async Task Ingest_BlockedEvent_ShowsToMemberAndOrgAdmin_AndUsageCountsItAtZeroCost()
    {
        var s = await SeedAsync("blocks-view");
        var blocked = Event(s, s.ConsumerId, "chat", 0m, new GuardrailBlockInfo("pii.credit_card", "pii", "pay with [CREDIT_CARD] today"));
        var served = Event(s, s.ConsumerId, "chat", 0.25m);

        var result = await IngestAsync(blocked, served);
        var again = await IngestAsync(blocked, served);

        Assert.Equal(UsageIngestStatus.Stored, result.Status);
        Assert.Equal(2, result.Inserted);
        Assert.Equal(0, again.Inserted);
        await using (var db = _server.Contexts.CreateDbContext())
        {
            Assert.Equal(1, await db.GuardrailBlocks.CountAsync(b => b.OrganizationId == s.OrganizationId));
        }

        using var member = _server.Client(s.MemberToken);
        var mine = await (await member.GetAsync("/api/me/blocked-requests").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        var item = Assert.Single(mine["items"]!.AsArray())!;
        Assert.Equal(blocked.EventId, item["id"]!.GetValue<Guid>());
        Assert.Equal("pii.credit_card", item["ruleId"]!.GetValue<string>());
        Assert.Equal("pii", item["kind"]!.GetValue<string>());
        Assert.Equal("pay with [CREDIT_CARD] today", item["snippet"]!.GetValue<string>());
        Assert.Equal(blocked.RequestId, item["requestId"]!.GetValue<string>());
        Assert.Equal("blocks-view.p1.dev", item["consumer"]!.GetValue<string>());
        Assert.False(item["reportedFalsePositive"]!.GetValue<bool>());

        using var admin = _server.Admin();
        var org = await (await admin.GetAsync("/api/orgs/blocks-view/guardrail-blocks?project=p1").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(blocked.EventId, Assert.Single(org["items"]!.AsArray())!["id"]!.GetValue<Guid>());

        // The blocked request is a request of the month at $0 and no tokens; only the served one costs.
        var usage = await (await member.GetAsync("/api/me/usage").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(2, usage["requests"]!.GetValue<long>());
        Assert.Equal(0.25m, usage["spentUsd"]!.GetValue<decimal>());
        Assert.Equal(100, usage["inputTokens"]!.GetValue<long>());
        var report = await (await admin.GetAsync("/api/orgs/blocks-view/usage").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(2, report["total"]!["requests"]!.GetValue<long>());
        Assert.Equal(0.25m, report["total"]!["costUsd"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task ReportFalsePositive_OwnBlockOnly_IdempotentAudited_OrgAdminSeesTheFlag()
    {
        var s = await SeedAsync("blocks-report");
        using var admin = _server.Admin();
        var colleague = await _server.CreateUserTokenAsync("peer@blocks-report.test", "blocks-report");
        var colleagueConsumer = await (await admin.PostJsonAsync("/api/orgs/blocks-report/projects/p1/consumers", new { userEmail = "peer@blocks-report.test" })
            .ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var mine = Event(s, s.ConsumerId, "chat", 0m, new GuardrailBlockInfo("jailbreak.dan", "pattern", "you are now [MATCH]"));
        var theirs = Event(s, colleagueConsumer["id"]!.GetValue<Guid>(), "chat", 0m, new GuardrailBlockInfo("pii.email", "pii", "mail [EMAIL]"));
        Assert.Equal(UsageIngestStatus.Stored, (await IngestAsync(mine, theirs)).Status);

        using var member = _server.Client(s.MemberToken);
        var reported = await (await member.PostAsync($"/api/me/blocked-requests/{mine.EventId}/report-false-positive", null).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.True(reported["reportedFalsePositive"]!.GetValue<bool>());
        var reportedAt = reported["reportedAt"]!.GetValue<DateTimeOffset>();
        var audit = LastAudit("guardrail_block.report_false_positive");
        Assert.Equal((AuditOutcome.Allowed, "dev@blocks-report.test", "blocks-report", $"guardrail-block:{mine.EventId}"), (audit.Outcome, audit.Actor, audit.OrganizationSlug, audit.Target));

        // Again: still reported, the first report's time kept.
        var twice = await (await member.PostAsync($"/api/me/blocked-requests/{mine.EventId}/report-false-positive", null).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(reportedAt, twice["reportedAt"]!.GetValue<DateTimeOffset>());

        // A colleague's block (same organization) and an unknown id are not the member's to report.
        await member.PostAsync($"/api/me/blocked-requests/{theirs.EventId}/report-false-positive", null).ExpectAsync(HttpStatusCode.NotFound);
        await member.PostAsync($"/api/me/blocked-requests/{Guid.NewGuid()}/report-false-positive", null).ExpectAsync(HttpStatusCode.NotFound);
        using var peer = _server.Client(colleague);
        await peer.PostAsync($"/api/me/blocked-requests/{mine.EventId}/report-false-positive", null).ExpectAsync(HttpStatusCode.NotFound);

        var flagged = await (await admin.GetAsync("/api/orgs/blocks-report/guardrail-blocks?reportedFalsePositive=true").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        var row = Assert.Single(flagged["items"]!.AsArray())!;
        Assert.Equal(mine.EventId, row["id"]!.GetValue<Guid>());
        Assert.True(row["reportedFalsePositive"]!.GetValue<bool>());
        var all = await (await admin.GetAsync("/api/orgs/blocks-report/guardrail-blocks").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(2, all["items"]!.AsArray().Count);
        await admin.GetAsync("/api/orgs/blocks-report/guardrail-blocks?reportedFalsePositive=maybe").ExpectAsync(HttpStatusCode.BadRequest);
        await using var db = _server.Contexts.CreateDbContext();
        Assert.False((await db.GuardrailBlocks.SingleAsync(b => b.Id == theirs.EventId)).ReportedFalsePositive);
    }

    [Fact]
    public async Task AnotherOrganizationsAdmin_CannotSeeOrReportTheBlocks()
    {
        var victim = await SeedAsync("blocks-victim");
        await SeedAsync("blocks-attacker");
        var block = Event(victim, victim.ConsumerId, "chat", 0m, new GuardrailBlockInfo("pii.ssn", "pii", "ssn [SSN]"));
        Assert.Equal(UsageIngestStatus.Stored, (await IngestAsync(block)).Status);
        using var attacker = _server.Client(await _server.CreateUserTokenAsync("boss@blocks-attacker.test", "blocks-attacker", MembershipRole.OrgAdmin));

        await attacker.GetAsync("/api/orgs/blocks-victim/guardrail-blocks").ExpectAsync(HttpStatusCode.Forbidden);
        var own = await (await attacker.GetAsync("/api/me/blocked-requests").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Empty(own["items"]!.AsArray());
        var theirs = await (await attacker.GetAsync("/api/orgs/blocks-attacker/guardrail-blocks").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Empty(theirs["items"]!.AsArray());
        await attacker.PostAsync($"/api/me/blocked-requests/{block.EventId}/report-false-positive", null).ExpectAsync(HttpStatusCode.NotFound);

        await using var db = _server.Contexts.CreateDbContext();
        Assert.False((await db.GuardrailBlocks.SingleAsync(b => b.Id == block.EventId)).ReportedFalsePositive);
    }

    [Fact]
    public async Task Ingest_BadBlock_RefusedNamingTheField_NothingStored()
    {
        var s = await SeedAsync("blocks-invalid");
        var good = Event(s, s.ConsumerId, "chat", 0m, new GuardrailBlockInfo("pii.email", "pii", "[EMAIL]"));

        (UsageEvent Event, string Field)[] cases =
        [
            (good with { Status = "ok" }, "events[1].block is only allowed on events with status guardrail_blocked"),
            (good with { Block = new GuardrailBlockInfo("pii.email", "virus", "x") }, "events[1].block.kind"),
            (good with { Block = new GuardrailBlockInfo(new string('r', 101), "pii", "x") }, "events[1].block.ruleId is longer than 100"),
            (good with { Block = new GuardrailBlockInfo("", "pii", "x") }, "events[1].block.ruleId is empty"),
            (good with { Block = new GuardrailBlockInfo("pii.email", "pii", new string('s', 501)) }, "events[1].block.snippet is longer than 500"),
        ];
        foreach (var (bad, field) in cases)
        {
            var result = await IngestAsync(Event(s, s.ConsumerId, "chat", 0.1m), bad with { EventId = Guid.CreateVersion7() });
            Assert.Equal(UsageIngestStatus.Invalid, result.Status);
            Assert.Contains(field, result.Problem, StringComparison.Ordinal);
        }

        var edge = await IngestAsync(good with { Block = new GuardrailBlockInfo(new string('r', 100), "semantic", new string('s', 500)) });
        Assert.Equal(UsageIngestStatus.Stored, edge.Status);
        await using var db = _server.Contexts.CreateDbContext();
        Assert.Equal(1, await db.UsageRecords.CountAsync(r => r.OrganizationId == s.OrganizationId));
        Assert.Equal("semantic", (await db.GuardrailBlocks.SingleAsync(b => b.OrganizationId == s.OrganizationId)).Kind);
    }

    private AuditEvent LastAudit(string action)
    {
        using var db = _server.Contexts.CreateDbContext();
        return db.AuditEvents.AsNoTracking().Where(e => e.Action == action).OrderByDescending(e => e.Id).First();
    }
}
