using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.ControlPlane.Audit;
using Warden.ControlPlane.Reconcile.Jobs;
using Warden.Storage.Entities;
using Warden.Testing;

namespace Warden.Tests.Admin;

/// <summary>The audit log: written with every change, filterable, hash-chained, tamper-evident, prunable.</summary>
public sealed class AuditTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public AuditTests(AdminApiServer server)
    {
        _server = server;
    }

    [Fact]
    public async Task Filters_ByOrgActorActionPrefixOutcomeAndDate()
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = "filters", name = "F" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/filters/projects", new { slug = "p", name = "P" }).ExpectAsync(HttpStatusCode.Created);
        var member = await _server.CreateUserTokenAsync("mallory@filters.test", "filters");
        using var mallory = _server.Client(member);
        await mallory.PostJsonAsync("/api/orgs/filters/projects", new { slug = "q", name = "Q" }).ExpectAsync(HttpStatusCode.Forbidden);

        var projects = await (await admin.GetAsync("/api/audit?org=filters&action=project.").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        var actions = projects["items"]!.AsArray().Select(e => (e!["action"]!.GetValue<string>(), e["outcome"]!.GetValue<string>())).ToList();
        Assert.Equal([("project.create", "denied"), ("project.create", "allowed")], actions);

        var denied = await (await admin.GetAsync("/api/audit?outcome=denied&actor=mallory@filters.test").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        var row = Assert.Single(denied["items"]!.AsArray());
        Assert.Equal(403, row!["httpStatus"]!.GetValue<int>());
        Assert.Equal("filters", row["organization"]!.GetValue<string>());

        var future = await (await admin.GetAsync($"/api/audit?org=filters&from={DateTimeOffset.UtcNow.AddDays(1):yyyy-MM-dd}").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Empty(future["items"]!.AsArray());
        var bad = await (await admin.GetAsync("/api/audit?from=yesterday").ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(bad["errors"]!["from"]);

        // Org admins read their own organization's log and nobody else's; members read none.
        var orgAdmin = await _server.CreateUserTokenAsync("olga@filters.test", "filters", MembershipRole.OrgAdmin);
        using var olga = _server.Client(orgAdmin);
        var own = await (await olga.GetAsync("/api/orgs/filters/audit").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.All(own["items"]!.AsArray(), e => Assert.Equal("filters", e!["organization"]!.GetValue<string>()));
        await olga.GetAsync("/api/audit").ExpectAsync(HttpStatusCode.Forbidden);
        await mallory.GetAsync("/api/orgs/filters/audit").ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Pruning_RemovesOldEvents_AndTheRestStillVerifies()
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = "prune", name = "Prune" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/prune/projects", new { slug = "old", name = "Old" }).ExpectAsync(HttpStatusCode.Created);
        DateTimeOffset cutoff;
        await using (var db = _server.Contexts.CreateDbContext())
        {
            cutoff = (await db.AuditEvents.MaxAsync(e => e.OccurredAt)).AddTicks(10);
        }

        await Task.Delay(5);
        await admin.PostJsonAsync("/api/orgs/prune/projects", new { slug = "new", name = "New" }).ExpectAsync(HttpStatusCode.Created);

        await using (var db = _server.Contexts.CreateDbContext())
        {
            var before = await db.AuditEvents.CountAsync();
            var removed = await AuditChain.PruneAsync(db, cutoff, CancellationToken.None);
            Assert.True(removed >= 2);
            Assert.Equal(before - removed, await db.AuditEvents.CountAsync());
            Assert.False(await db.AuditEvents.AnyAsync(e => e.OccurredAt < cutoff));
            Assert.True((await AuditChain.VerifyAsync(db, CancellationToken.None)).Valid);
        }

        // New events keep chaining onto the pruned log.
        await admin.PostJsonAsync("/api/orgs/prune/projects", new { slug = "newer", name = "Newer" }).ExpectAsync(HttpStatusCode.Created);
        var verify = await (await admin.GetAsync("/api/audit/verify").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.True(verify["valid"]!.GetValue<bool>(), verify.ToJsonString());
    }

    [Fact]
    public async Task PruneJob_RunsDailyOnTheJobLeader_AndKeepsEventsInsideTheRetention()
    {
        var job = Assert.Single(_server.Services.GetServices<IBackgroundJob>().OfType<AuditPruneJob>());
        Assert.Equal(TimeSpan.FromDays(1), job.Interval);
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = "retained", name = "Retained" }).ExpectAsync(HttpStatusCode.Created);
        int before;
        await using (var db = _server.Contexts.CreateDbContext())
        {
            before = await db.AuditEvents.CountAsync();
        }

        // Default retention is 365 days: nothing written by this run is old enough.
        await job.RunAsync(CancellationToken.None);
        await using (var db = _server.Contexts.CreateDbContext())
        {
            Assert.Equal(before, await db.AuditEvents.CountAsync());
            Assert.True((await AuditChain.VerifyAsync(db, CancellationToken.None)).Valid);
        }
    }
}
