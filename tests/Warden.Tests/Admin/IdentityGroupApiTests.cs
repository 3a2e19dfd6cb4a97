using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>Groups, their members and their project assignments through the admin API, and what reaches the gateways.</summary>
public sealed class IdentityGroupApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public IdentityGroupApiTests(AdminApiServer server)
    {
        _server = server;
    }

    private async Task OrgAsync(string slug)
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug, name = slug }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{slug}/projects", new { slug = "proj", name = "Proj" }).ExpectAsync(HttpStatusCode.Created);
    }

    private async Task<ConfigRevision> LastRevisionAsync()
    {
        await using var db = _server.Contexts.CreateDbContext();
        return await db.ConfigRevisions.Include(r => r.Changes).OrderByDescending(r => r.Id).FirstAsync();
    }

    [Fact]
    public async Task OrgAdmin_ManagesGroup_Members_AndAssignment_EachChangeReachesGateways()
    {
        await OrgAsync("grp-a");
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@grp-a.test", "grp-a", MembershipRole.OrgAdmin));
        await _server.CreateUserTokenAsync("dev@grp-a.test", "grp-a");
        await _server.CreateUserTokenAsync("stranger@elsewhere.test", null);
        using var admin = _server.Admin();
        var consumer = await (await admin.PostJsonAsync("/api/orgs/grp-a/projects/proj/consumers", new { userEmail = "dev@grp-a.test" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var consumerId = consumer["id"]!.GetValue<Guid>();

        var created = await (await orgAdmin.PostJsonAsync("/api/orgs/grp-a/groups",
            new { slug = "payments", name = "Payments", idpGroupClaim = "payments-devs", allowedModels = new[] { "chat-fast", "coding-default" } })
            .ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var groupId = created["id"]!.GetValue<Guid>();
        Assert.Equal(["chat-fast", "coding-default"], created["allowedModels"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("group.create", _server.LastAudit()!.Action);
        Assert.Contains((await LastRevisionAsync()).Changes, c => c.EntityKind == ConfigEntityKinds.Group && c.EntityId == groupId && c.Operation == ConfigOperation.Created);

        // Only members of the organization can join its groups.
        var outsider = await (await orgAdmin.PostJsonAsync("/api/orgs/grp-a/groups/payments/members", new { email = "stranger@elsewhere.test" })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(outsider["errors"]!["email"]);

        await orgAdmin.PostJsonAsync("/api/orgs/grp-a/groups/payments/members", new { email = "dev@grp-a.test" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("group.member.add", _server.LastAudit()!.Action);
        var added = await LastRevisionAsync();
        Assert.Contains(added.Changes, c => c.EntityKind == ConfigEntityKinds.Consumer && c.EntityId == consumerId && c.Operation == ConfigOperation.Updated);
        await orgAdmin.PostJsonAsync("/api/orgs/grp-a/groups/payments/members", new { email = "dev@grp-a.test" }).ExpectAsync(HttpStatusCode.Conflict);

        await orgAdmin.PutAsync("/api/orgs/grp-a/projects/proj/groups/payments", null).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("group.assign", _server.LastAudit()!.Action);
        Assert.Contains((await LastRevisionAsync()).Changes, c => c.EntityKind == ConfigEntityKinds.Consumer && c.EntityId == consumerId);
        await orgAdmin.PutAsync("/api/orgs/grp-a/projects/proj/groups/payments", null).ExpectAsync(HttpStatusCode.OK);

        var group = await (await orgAdmin.GetAsync("/api/orgs/grp-a/groups/payments").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(["proj"], group["projects"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(1, group["memberCount"]!.GetValue<int>());
        var assigned = await (await orgAdmin.GetAsync("/api/orgs/grp-a/projects/proj/groups").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("payments", assigned["items"]![0]!["slug"]!.GetValue<string>());

        var updated = await (await orgAdmin.PatchJsonAsync("/api/orgs/grp-a/groups/payments", new { allowedModels = Array.Empty<string>(), idpGroupClaim = "" })
            .ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Empty(updated["allowedModels"]!.AsArray());
        Assert.Null(updated["idpGroupClaim"]);

        await orgAdmin.DeleteAsync($"/api/orgs/grp-a/groups/payments/members/{consumer["userId"]}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("group.member.remove", _server.LastAudit()!.Action);
        await orgAdmin.DeleteAsync("/api/orgs/grp-a/projects/proj/groups/payments").ExpectAsync(HttpStatusCode.NoContent);
        await orgAdmin.DeleteAsync("/api/orgs/grp-a/projects/proj/groups/payments").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_RemovesGroupScopedBudget_AndRecordsIt()
    {
        await OrgAsync("grp-del");
        using var admin = _server.Admin();
        var group = await (await admin.PostJsonAsync("/api/orgs/grp-del/groups", new { slug = "team", name = "Team" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var groupId = group["id"]!.GetValue<Guid>();
        Guid budgetId;
        await using (var db = _server.Contexts.CreateDbContext())
        {
            var org = await db.Organizations.SingleAsync(o => o.Slug == "grp-del");
            var budget = new Budget { Scope = ScopeKind.Group, ScopeId = groupId, OrganizationId = org.Id, MonthlyUsd = 10, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
            db.Budgets.Add(budget);
            await db.SaveChangesAsync();
            budgetId = budget.Id;
        }

        await admin.DeleteAsync("/api/orgs/grp-del/groups/team").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal("group.delete", _server.LastAudit()!.Action);
        var revision = await LastRevisionAsync();
        Assert.Contains(revision.Changes, c => c.EntityKind == ConfigEntityKinds.Group && c.EntityId == groupId && c.Operation == ConfigOperation.Deleted);
        Assert.Contains(revision.Changes, c => c.EntityKind == ConfigEntityKinds.Budget && c.EntityId == budgetId && c.Operation == ConfigOperation.Deleted);
        await using var check = _server.Contexts.CreateDbContext();
        Assert.False(await check.Budgets.AnyAsync(b => b.Id == budgetId));
        await admin.GetAsync("/api/orgs/grp-del/groups/team").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Member_AndOrgAdminOfAnotherOrg_AreRefused_MutationsAuditedAsDenied()
    {
        await OrgAsync("grp-own");
        await OrgAsync("grp-other");
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs/grp-own/groups", new { slug = "team", name = "Team" }).ExpectAsync(HttpStatusCode.Created);
        using var member = _server.Client(await _server.CreateUserTokenAsync("plain@grp-own.test", "grp-own"));
        using var otherAdmin = _server.Client(await _server.CreateUserTokenAsync("boss@grp-other.test", "grp-other", MembershipRole.OrgAdmin));

        await member.GetAsync("/api/orgs/grp-own/groups").ExpectAsync(HttpStatusCode.Forbidden);
        await member.PostJsonAsync("/api/orgs/grp-own/groups", new { slug = "mine", name = "Mine" }).ExpectAsync(HttpStatusCode.Forbidden);
        var audit = _server.LastAudit()!;
        Assert.Equal(("group.create", AuditOutcome.Denied, "plain@grp-own.test", "grp-own"), (audit.Action, audit.Outcome, audit.Actor, audit.OrganizationSlug));
        await member.PutAsync("/api/orgs/grp-own/projects/proj/groups/team", null).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal(("group.assign", AuditOutcome.Denied), (_server.LastAudit()!.Action, _server.LastAudit()!.Outcome));

        await otherAdmin.PatchJsonAsync("/api/orgs/grp-own/groups/team", new { name = "Hijacked" }).ExpectAsync(HttpStatusCode.Forbidden);
        audit = _server.LastAudit()!;
        Assert.Equal(("group.update", AuditOutcome.Denied, "boss@grp-other.test"), (audit.Action, audit.Outcome, audit.Actor));
        await otherAdmin.DeleteAsync("/api/orgs/grp-own/groups/team").ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("group.delete", _server.LastAudit()!.Action);
        // The same slug guessed into the admin's own organization does not reach the other one's group.
        await otherAdmin.DeleteAsync("/api/orgs/grp-other/groups/team").ExpectAsync(HttpStatusCode.NotFound);
        var intact = await (await admin.GetAsync("/api/orgs/grp-own/groups/team").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("Team", intact["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_InvalidFields_AreNamed()
    {
        await OrgAsync("grp-val");
        using var admin = _server.Admin();
        var problem = await (await admin.PostJsonAsync("/api/orgs/grp-val/groups", new { slug = "Bad Slug", name = "", allowedModels = new[] { "a", "a", " " } })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(problem["errors"]!["slug"]);
        Assert.NotNull(problem["errors"]!["name"]);
        Assert.NotNull(problem["errors"]!["allowedModels[1]"]);
        Assert.NotNull(problem["errors"]!["allowedModels[2]"]);
        await admin.PostJsonAsync("/api/orgs/grp-val/groups", new { slug = "ok", name = "Ok" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/grp-val/groups", new { slug = "ok", name = "Ok" }).ExpectAsync(HttpStatusCode.Conflict);
    }
}
