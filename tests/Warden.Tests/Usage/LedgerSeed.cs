using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;
using Warden.Tests.Admin;

namespace Warden.Tests.Usage;

/// <summary>
/// An organization made through the admin API (projects, consumers, an org admin and a member) whose usage ledger
/// rows are inserted directly into the database, as the ingest would write them.
/// </summary>
internal sealed class LedgerSeed
{
    private LedgerSeed(AdminApiServer server, string org, Guid organizationId)
    {
        Server = server;
        Org = org;
        OrganizationId = organizationId;
    }

    public AdminApiServer Server { get; }

    public string Org { get; }

    public Guid OrganizationId { get; }

    public Dictionary<string, Guid> Projects { get; } = new(StringComparer.Ordinal);

    /// <summary>Consumers by <c>project/name</c>.</summary>
    public Dictionary<string, Guid> Consumers { get; } = new(StringComparer.Ordinal);

    public string OrgAdminToken { get; private set; } = "";

    public string MemberToken { get; private set; } = "";

    /// <summary>Organization <paramref name="org"/> with projects <paramref name="projects"/>, each with service consumer <c>svc</c>.</summary>
    public static async Task<LedgerSeed> CreateAsync(AdminApiServer server, string org, params string[] projects)
    {
        using var admin = server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = org, name = org }).ExpectAsync(HttpStatusCode.Created);
        await using var db = server.Contexts.CreateDbContext();
        var seed = new LedgerSeed(server, org, await db.Organizations.Where(o => o.Slug == org).Select(o => o.Id).SingleAsync());
        foreach (var project in projects)
        {
            var created = await (await admin.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = project, name = project }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
            seed.Projects[project] = created["id"]!.GetValue<Guid>();
            await seed.AddConsumerAsync(project, "svc");
        }

        seed.OrgAdminToken = await server.CreateUserTokenAsync($"admin@{org}.test", org, MembershipRole.OrgAdmin);
        seed.MemberToken = await server.CreateUserTokenAsync($"dev@{org}.test", org);
        return seed;
    }

    public async Task<Guid> AddConsumerAsync(string project, string name)
    {
        using var admin = Server.Admin();
        var created = await (await admin.PostJsonAsync($"/api/orgs/{Org}/projects/{project}/consumers", new { name }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var id = created["id"]!.GetValue<Guid>();
        Consumers[$"{project}/{name}"] = id;
        return id;
    }

    /// <summary>A ledger row of consumer <c>project/consumer</c>.</summary>
    public UsageRecord Row(string consumer, string model, DateTimeOffset at, decimal cost, long input = 100, long output = 10, long cacheRead = 0,
        long cacheWrite = 0, string? requestId = null) => new()
    {
        EventId = Guid.CreateVersion7(),
        OccurredAt = at,
        OrganizationId = OrganizationId,
        ProjectId = Projects[consumer.Split('/')[0]],
        ConsumerId = Consumers[consumer],
        LogicalModel = model,
        ProviderName = "mock",
        UpstreamModel = "upstream-" + model,
        InputTokens = input,
        OutputTokens = output,
        CacheReadTokens = cacheRead,
        CacheWriteTokens = cacheWrite,
        CostUsd = cost,
        Status = "ok",
        LatencyMs = 12,
        RequestId = requestId ?? "req-" + Guid.NewGuid().ToString("N"),
    };

    public async Task InsertAsync(params UsageRecord[] rows)
    {
        await using var db = Server.Contexts.CreateDbContext();
        db.UsageRecords.AddRange(rows);
        await db.SaveChangesAsync();
    }
}
