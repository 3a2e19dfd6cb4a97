using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>Budgets and limits through the admin API: project, group, consumer and organization scopes.</summary>
public sealed class BudgetApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public BudgetApiTests(AdminApiServer server)
    {
        _server = server;
    }

    private async Task<HttpClient> OrgWithProjectAsync(string org)
    {
        var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = org, name = org }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = "p1", name = "P1" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = "p2", name = "P2" }).ExpectAsync(HttpStatusCode.Created);
        return admin;
    }

    /// <summary>Seeds a group in <paramref name="org"/>, assigned to <paramref name="project"/> when given (no group API in this change).</summary>
    private async Task SeedGroupAsync(string org, string slug, string? project)
    {
        await using var db = _server.Contexts.CreateDbContext();
        var organization = await db.Organizations.SingleAsync(o => o.Slug == org);
        var group = new Group { OrganizationId = organization.Id, Slug = slug, Name = slug, CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch };
        db.Groups.Add(group);
        if (project is not null)
        {
            var entity = await db.Projects.SingleAsync(p => p.OrganizationId == organization.Id && p.Slug == project);
            db.ProjectGroups.Add(new ProjectGroup { ProjectId = entity.Id, GroupId = group.Id, CreatedAt = DateTimeOffset.UnixEpoch });
        }

        await db.SaveChangesAsync();
    }

    private ConfigChange LastChange()
    {
        using var db = _server.Contexts.CreateDbContext();
        return db.ConfigChanges.AsNoTracking().OrderByDescending(c => c.Id).First();
    }

    [Fact]
    public async Task ProjectBudget_CreateReadUpdateDelete_AuditedAndPublished()
    {
        using var admin = await OrgWithProjectAsync("budget-crud");
        const string url = "/api/orgs/budget-crud/projects/p1/budgets/project/-";
        await admin.GetAsync(url).ExpectAsync(HttpStatusCode.NotFound);

        var created = await (await admin.PutJsonAsync(url, new { monthlyUsd = 500m }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("project", created["scope"]!.GetValue<string>());
        Assert.Equal("-", created["scopeRef"]!.GetValue<string>());
        Assert.Equal(500m, created["monthlyUsd"]!.GetValue<decimal>());
        Assert.Equal("budget.create", _server.LastAudit()!.Action);
        var change = LastChange();
        Assert.Equal(ConfigEntityKinds.Budget, change.EntityKind);
        Assert.Equal(created["id"]!.GetValue<Guid>(), change.EntityId);

        var updated = await (await admin.PutJsonAsync(url, new { monthlyUsd = 750.25m }).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(created["id"]!.GetValue<Guid>(), updated["id"]!.GetValue<Guid>());
        Assert.Equal("budget.update", _server.LastAudit()!.Action);
        Assert.Equal(750.25m, (await (await admin.GetAsync(url).ExpectAsync(HttpStatusCode.OK)).JsonAsync())["monthlyUsd"]!.GetValue<decimal>());

        var list = await (await admin.GetAsync("/api/orgs/budget-crud/projects/p1/budgets").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Single(list["items"]!.AsArray());
        var otherProject = await (await admin.GetAsync("/api/orgs/budget-crud/projects/p2/budgets").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Empty(otherProject["items"]!.AsArray());

        await admin.DeleteAsync(url).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("budget.delete", _server.LastAudit()!.Action);
        Assert.Equal(ConfigOperation.Deleted, LastChange().Operation);
        await admin.GetAsync(url).ExpectAsync(HttpStatusCode.NotFound);
        await admin.DeleteAsync(url).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GroupAndConsumerScopes_AreValidatedAgainstTheProjectAndOrganization()
    {
        using var admin = await OrgWithProjectAsync("budget-scopes");
        await admin.PostJsonAsync("/api/orgs", new { slug = "budget-scopes-other", name = "Other" }).ExpectAsync(HttpStatusCode.Created);
        await SeedGroupAsync("budget-scopes", "payments-team", "p1");
        await SeedGroupAsync("budget-scopes", "unassigned-team", null);
        await SeedGroupAsync("budget-scopes-other", "foreign-team", null);
        var consumer = await (await admin.PostJsonAsync("/api/orgs/budget-scopes/projects/p1/consumers", new { name = "batch" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var foreignConsumer = await (await admin.PostJsonAsync("/api/orgs/budget-scopes/projects/p2/consumers", new { name = "batch" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var consumerId = consumer["id"]!.GetValue<Guid>();

        var group = await (await admin.PutJsonAsync("/api/orgs/budget-scopes/projects/p1/budgets/group/payments-team", new { monthlyUsd = 100m })
            .ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("payments-team", group["scopeRef"]!.GetValue<string>());
        var perConsumer = await (await admin.PutJsonAsync($"/api/orgs/budget-scopes/projects/p1/budgets/consumer/{consumerId}", new { monthlyUsd = 10m })
            .ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("batch", perConsumer["scopeName"]!.GetValue<string>());

        var unassigned = await (await admin.PutJsonAsync("/api/orgs/budget-scopes/projects/p1/budgets/group/unassigned-team", new { monthlyUsd = 100m })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(unassigned["errors"]!["scopeRef"]);
        await admin.PutJsonAsync("/api/orgs/budget-scopes/projects/p1/budgets/group/foreign-team", new { monthlyUsd = 100m }).ExpectAsync(HttpStatusCode.NotFound);
        await admin.PutJsonAsync($"/api/orgs/budget-scopes/projects/p1/budgets/consumer/{foreignConsumer["id"]}", new { monthlyUsd = 10m }).ExpectAsync(HttpStatusCode.NotFound);
        var notAnId = await (await admin.PutJsonAsync("/api/orgs/budget-scopes/projects/p1/budgets/consumer/batch", new { monthlyUsd = 10m })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(notAnId["errors"]!["scopeRef"]);
        var badScope = await (await admin.PutJsonAsync("/api/orgs/budget-scopes/projects/p1/budgets/team/x", new { monthlyUsd = 10m })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(badScope["errors"]!["scope"]);
        var badAmount = await (await admin.PutJsonAsync("/api/orgs/budget-scopes/projects/p1/budgets/project/-", new { monthlyUsd = 0m })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(badAmount["errors"]!["monthlyUsd"]);

        var list = await (await admin.GetAsync("/api/orgs/budget-scopes/projects/p1/budgets").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(2, list["items"]!.AsArray().Count);
        var otherList = await (await admin.GetAsync("/api/orgs/budget-scopes/projects/p2/budgets").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Empty(otherList["items"]!.AsArray());

        await using var db = _server.Contexts.CreateDbContext();
        var stored = await db.Budgets.AsNoTracking().SingleAsync(b => b.ScopeId == consumerId);
        Assert.Equal(ScopeKind.Consumer, stored.Scope);
        Assert.NotNull(stored.ProjectId);
    }

    [Fact]
    public async Task Limits_CreateReadUpdateDelete_AndValidation()
    {
        using var admin = await OrgWithProjectAsync("limit-crud");
        const string url = "/api/orgs/limit-crud/projects/p1/limits/project/-";
        var created = await (await admin.PutJsonAsync(url, new { tokensPerMinute = 100_000, requestsPerMinute = 60 }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal(100_000, created["tokensPerMinute"]!.GetValue<long>());
        Assert.Equal(60, created["requestsPerMinute"]!.GetValue<int>());
        Assert.Null(created["maxConcurrent"]);
        Assert.Equal("limit.create", _server.LastAudit()!.Action);
        Assert.Equal(ConfigEntityKinds.Limit, LastChange().EntityKind);

        var updated = await (await admin.PutJsonAsync(url, new { tokensPerMinute = 50_000, maxConcurrent = 4 }).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(4, updated["maxConcurrent"]!.GetValue<int>());
        Assert.Null(updated["requestsPerMinute"]);
        Assert.Equal("limit.update", _server.LastAudit()!.Action);
        var read = await (await admin.GetAsync(url).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(50_000, read["tokensPerMinute"]!.GetValue<long>());
        Assert.Single((await (await admin.GetAsync("/api/orgs/limit-crud/projects/p1/limits").ExpectAsync(HttpStatusCode.OK)).JsonAsync())["items"]!.AsArray());

        var invalid = await (await admin.PutJsonAsync(url, new { tokensPerMinute = 0, requestsPerMinute = 0, maxConcurrent = -1 }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(invalid["errors"]!["tokensPerMinute"]);
        Assert.NotNull(invalid["errors"]!["requestsPerMinute"]);
        Assert.NotNull(invalid["errors"]!["maxConcurrent"]);
        var missing = await (await admin.PutJsonAsync(url, new { requestsPerMinute = 10 }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(missing["errors"]!["tokensPerMinute"]);

        await admin.DeleteAsync(url).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("limit.delete", _server.LastAudit()!.Action);
        await admin.GetAsync(url).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task OrganizationBudgetAndLimit_AreReadByOrgAdmins_AndWrittenByPlatformAdminsOnly()
    {
        using var admin = await OrgWithProjectAsync("budget-org");
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("budget-org-admin@example.com", "budget-org", MembershipRole.OrgAdmin));
        using var member = _server.Client(await _server.CreateUserTokenAsync("budget-org-member@example.com", "budget-org"));

        await orgAdmin.PutJsonAsync("/api/orgs/budget-org/budget", new { monthlyUsd = 1_000_000m }).ExpectAsync(HttpStatusCode.Forbidden);
        var denied = _server.LastAudit()!;
        Assert.Equal("budget.update", denied.Action);
        Assert.Equal(AuditOutcome.Denied, denied.Outcome);
        await orgAdmin.PutJsonAsync("/api/orgs/budget-org/limit", new { tokensPerMinute = 1_000_000 }).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal(AuditOutcome.Denied, _server.LastAudit()!.Outcome);

        var budget = await (await admin.PutJsonAsync("/api/orgs/budget-org/budget", new { monthlyUsd = 20_000m }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal("org", budget["scope"]!.GetValue<string>());
        await admin.PutJsonAsync("/api/orgs/budget-org/limit", new { tokensPerMinute = 2_000_000 }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("limit.create", _server.LastAudit()!.Action);

        var read = await (await orgAdmin.GetAsync("/api/orgs/budget-org/budget").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(20_000m, read["monthlyUsd"]!.GetValue<decimal>());
        await orgAdmin.GetAsync("/api/orgs/budget-org/limit").ExpectAsync(HttpStatusCode.OK);
        await member.GetAsync("/api/orgs/budget-org/budget").ExpectAsync(HttpStatusCode.Forbidden);
        await orgAdmin.DeleteAsync("/api/orgs/budget-org/budget").ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal(AuditOutcome.Denied, _server.LastAudit()!.Outcome);

        await admin.DeleteAsync("/api/orgs/budget-org/budget").ExpectAsync(HttpStatusCode.NoContent);
        await admin.DeleteAsync("/api/orgs/budget-org/limit").ExpectAsync(HttpStatusCode.NoContent);
        await orgAdmin.GetAsync("/api/orgs/budget-org/budget").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Member_AndOtherOrgAdmin_AreDeniedBudgetAndLimitMutations_WithDeniedAuditRows()
    {
        using var admin = await OrgWithProjectAsync("budget-rbac");
        await admin.PostJsonAsync("/api/orgs", new { slug = "budget-rbac-other", name = "Other" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PutJsonAsync("/api/orgs/budget-rbac/projects/p1/budgets/project/-", new { monthlyUsd = 5m }).ExpectAsync(HttpStatusCode.Created);
        using var member = _server.Client(await _server.CreateUserTokenAsync("budget-member@example.com", "budget-rbac"));
        using var otherAdmin = _server.Client(await _server.CreateUserTokenAsync("budget-other-admin@example.com", "budget-rbac-other", MembershipRole.OrgAdmin));
        foreach (var client in new[] { member, otherAdmin })
        {
            var calls = new (string Action, Func<Task<HttpResponseMessage>> Call)[]
            {
                ("budget.update", () => client.PutJsonAsync("/api/orgs/budget-rbac/projects/p1/budgets/project/-", new { monthlyUsd = 1_000_000m })),
                ("budget.delete", () => client.DeleteAsync("/api/orgs/budget-rbac/projects/p1/budgets/project/-")),
                ("limit.update", () => client.PutJsonAsync("/api/orgs/budget-rbac/projects/p1/limits/project/-", new { tokensPerMinute = 10 })),
                ("limit.delete", () => client.DeleteAsync("/api/orgs/budget-rbac/projects/p1/limits/project/-")),
            };
            foreach (var (action, call) in calls)
            {
                await call().ExpectAsync(HttpStatusCode.Forbidden);
                var audit = _server.LastAudit()!;
                Assert.Equal(action, audit.Action);
                Assert.Equal(AuditOutcome.Denied, audit.Outcome);
            }

            await client.GetAsync("/api/orgs/budget-rbac/projects/p1/budgets").ExpectAsync(HttpStatusCode.Forbidden);
        }

        var unchanged = await (await admin.GetAsync("/api/orgs/budget-rbac/projects/p1/budgets/project/-").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(5m, unchanged["monthlyUsd"]!.GetValue<decimal>());
    }
}
