using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A key for the caller in a project they are entitled to.</summary>
public sealed record CreateMyKeyRequest(string Org, string Project, string? Name = null, DateTimeOffset? ExpiresAt = null);

/// <summary>An organization the caller belongs to, with the role they act with there.</summary>
public sealed record MyOrganizationView(string Slug, string Name, MembershipRole Role);

/// <summary>The logical models the caller may use in one project.</summary>
public sealed record MyProjectModelsView(string Organization, string Project, IReadOnlyList<string> Models);

/// <summary>The caller: who they are, where they belong, and which models they may call.</summary>
public sealed record MeView(string Actor, Guid? UserId, string? Email, string? DisplayName, bool IsPlatformAdmin,
    IReadOnlyList<MyOrganizationView> Organizations, IReadOnlyList<MyProjectModelsView> AllowedModels);

/// <summary>One of the caller's API keys (never the secret).</summary>
public sealed record MyKeyView(Guid Id, string Prefix, string? Name, string Organization, string Project, string Consumer, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// A monthly budget that applies to one of the caller's consumers: its scope (<c>org</c>, <c>project</c>, <c>group</c>
/// or <c>consumer</c>), the scope's name, the cap, what the whole scope spent this month (everyone's spend counts
/// against a shared cap) and what is left (never below 0).
/// </summary>
public sealed record MyBudgetView(ScopeKind Scope, string Name, decimal MonthlyUsd, decimal SpentUsd, decimal RemainingUsd);

/// <summary>
/// Spend of one of the caller's consumers this month and the budgets that apply to it. <c>budgetUsd</c>,
/// <c>remainingUsd</c> and <c>budgetScope</c> describe the binding one, the budget with the least remaining (the
/// tightest applicable cap, which admission enforces); null when no budget applies.
/// </summary>
public sealed record MyConsumerUsageView(string Consumer, decimal SpentUsd, decimal? BudgetUsd, decimal? RemainingUsd, ScopeKind? BudgetScope,
    IReadOnlyList<MyBudgetView> Budgets);

/// <summary>
/// The caller's usage this calendar month (UTC): spend, requests and tokens of their consumers, by model and by
/// consumer. <c>budgetUsd</c>/<c>remainingUsd</c>/<c>budgetScope</c> are those of the tightest binding budget over
/// all their consumers (null when no budget applies to any of them).
/// </summary>
public sealed record MyUsageView(DateTimeOffset From, DateTimeOffset To, decimal SpentUsd, long Requests, long InputTokens, long OutputTokens,
    long CacheReadTokens, long CacheWriteTokens, decimal? BudgetUsd, decimal? RemainingUsd, ScopeKind? BudgetScope, IReadOnlyList<UsageRowView> ByModel,
    IReadOnlyList<MyConsumerUsageView> ByConsumer);

/// <summary>
/// The personal portal's API: <c>/api/me</c>, <c>/api/me/keys</c>, <c>/api/me/usage</c>, <c>/api/me/blocked-requests</c>.
/// Every role may use it for itself; a token limited to one organization sees only that organization.
/// </summary>
public static class MeEndpoints
{
    public static RouteGroupBuilder MapMeEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var me = api.MapGroup("/me").WithTags("Me");
        me.MapGet("/", GetAsync).Produces<MeView>();
        me.MapGet("/keys", ListKeysAsync).Produces<Page<MyKeyView>>();
        me.MapPost("/keys", CreateKeyAsync).AcceptsJson<CreateMyKeyRequest>().Produces<CreatedKeyView>(StatusCodes.Status201Created);
        me.MapPost("/keys/{keyId:guid}/revoke", RevokeKeyAsync).Produces<MyKeyView>();
        me.MapGet("/usage", UsageAsync).Produces<MyUsageView>();
        me.MapGet("/blocked-requests", BlockedRequestsAsync).Produces<Page<BlockedRequestView>>();
        me.MapPost("/blocked-requests/{id:guid}/report-false-positive", ReportFalsePositiveAsync).Produces<BlockedRequestView>();
        return api;
    }

    private static async Task<IResult> GetAsync(AdminContext admin, CancellationToken ct)
    {
        var principal = admin.Principal;
        var user = principal.UserId is { } id ? await admin.Db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct) : null;
        var ids = principal.Organizations.Keys.ToList();
        var organizations = await admin.Db.Organizations.AsNoTracking().Where(o => ids.Contains(o.Id)).OrderBy(o => o.Slug).ToListAsync(ct);
        var models = user is null ? [] : await AllowedModelsAsync(admin, user.Id, ct);
        return Results.Ok(new MeView(principal.Actor, user?.Id, user?.Email, user?.DisplayName, principal.IsPlatformAdmin,
            [.. organizations.Select(o => new MyOrganizationView(o.Slug, o.Name, principal.Organizations[o.Id]))], models));
    }

    /// <summary>
    /// For each project where the user has a consumer or is in a group assigned to it: the project's logical models,
    /// filtered the way the gateway filters them (allowed unless one of the user's groups there has an allow-list and
    /// none of those lists names the model).
    /// </summary>
    internal static async Task<List<MyProjectModelsView>> AllowedModelsAsync(AdminContext admin, Guid userId, CancellationToken ct)
    {
        var db = admin.Db;
        var visible = VisibleOrganizations(admin);
        var groupIds = await db.GroupMemberships.AsNoTracking().Where(m => m.UserId == userId).Select(m => m.GroupId).ToListAsync(ct);
        var assignments = await db.ProjectGroups.AsNoTracking().Where(pg => groupIds.Contains(pg.GroupId))
            .Select(pg => new { pg.ProjectId, pg.GroupId }).ToListAsync(ct);
        var consumerProjects = await db.Consumers.AsNoTracking().Where(c => c.UserId == userId).Select(c => c.ProjectId).ToListAsync(ct);
        var projectIds = consumerProjects.Concat(assignments.Select(a => a.ProjectId)).Distinct().ToList();
        var projects = await db.Projects.AsNoTracking().Where(p => projectIds.Contains(p.Id))
            .Where(p => visible == null || visible.Contains(p.OrganizationId))
            .Select(p => new { p.Id, p.Slug, Organization = p.Organization.Slug }).ToListAsync(ct);
        var routes = (await db.Routes.AsNoTracking().Where(r => projectIds.Contains(r.ProjectId)).Select(r => new { r.ProjectId, r.LogicalModel }).ToListAsync(ct))
            .ToLookup(r => r.ProjectId, r => r.LogicalModel);
        var assignedGroupIds = assignments.Select(a => a.GroupId).Distinct().ToList();
        var allowLists = await db.Groups.AsNoTracking().Where(g => assignedGroupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.AllowedModels, ct);
        var groupsOfProject = assignments.ToLookup(a => a.ProjectId, a => allowLists[a.GroupId]);

        return [.. projects.OrderBy(p => p.Organization, StringComparer.Ordinal).ThenBy(p => p.Slug, StringComparer.Ordinal).Select(p =>
        {
            var lists = groupsOfProject[p.Id].Where(l => l.Count > 0).ToList();
            var models = routes[p.Id].Where(m => lists.Count == 0 || lists.Any(l => l.Contains(m))).Order(StringComparer.Ordinal).ToList();
            return new MyProjectModelsView(p.Organization, p.Slug, models);
        })];
    }

    private static async Task<IResult> ListKeysAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        var userId = RequireUser(admin, "key.list");
        var visible = VisibleOrganizations(admin);
        var query = admin.Db.ApiKeys.AsNoTracking()
            .Where(k => k.Consumer.UserId == userId && (visible == null || visible.Contains(k.Consumer.Project.OrganizationId)))
            .OrderBy(k => k.CreatedAt).ThenBy(k => k.PublicId)
            .Select(k => new KeyRow(k, k.Consumer.Name, k.Consumer.Project.Slug, k.Consumer.Project.Organization.Slug));
        return Results.Ok(await query.ToPageAsync(request, r => r.View(admin.Now), ct));
    }

    private static async Task<IResult> CreateKeyAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        var userId = RequireUser(admin, "key.create");
        var body = await AdminJson.ReadAsync<CreateMyKeyRequest>(request, ct);
        var organization = await admin.MemberOrganizationAsync(body.Org, "key.create", ct);
        var project = await admin.ProjectAsync(organization, body.Project, ct);
        var consumer = await admin.Db.Consumers.SingleOrDefaultAsync(c => c.ProjectId == project.Id && c.UserId == userId, ct);
        if (consumer is null)
        {
            var entitled = await admin.Db.GroupMemberships.AnyAsync(m => m.UserId == userId && m.Group.Projects.Any(pg => pg.ProjectId == project.Id), ct);
            if (!entitled)
            {
                throw new AdminDeniedException("key.create", organization.Slug, Targets.Project(organization.Slug, project.Slug),
                    $"You have no access to project '{project.Slug}': ask an org admin to add you to a group assigned to it.");
            }

            var user = await admin.Db.Users.SingleAsync(u => u.Id == userId, ct);
            consumer = new Consumer { ProjectId = project.Id, UserId = userId, Name = await FreeConsumerNameAsync(admin, project, user.Email, ct), CreatedAt = admin.Now };
            admin.Db.Consumers.Add(consumer);
            admin.Changed(ConfigEntityKinds.Consumer, consumer.Id, ConfigOperation.Created);
        }

        var created = KeyEndpoints.Issue(admin, consumer, body.Name, body.ExpiresAt);
        await admin.CommitAsync("key.create", organization.Slug, Targets.InProject("key", organization.Slug, project.Slug, created.Prefix), StatusCodes.Status201Created, ct);
        return Results.Created($"/api/me/keys/{created.Id}", created);
    }

    private static async Task<IResult> RevokeKeyAsync(AdminContext admin, Guid keyId, CancellationToken ct)
    {
        var userId = RequireUser(admin, "key.revoke");
        var visible = VisibleOrganizations(admin);
        var key = await admin.Db.ApiKeys.Include(k => k.Consumer).ThenInclude(c => c.Project).ThenInclude(p => p.Organization)
            .SingleOrDefaultAsync(k => k.Id == keyId && k.Consumer.UserId == userId && (visible == null || visible.Contains(k.Consumer.Project.OrganizationId)), ct)
            ?? throw new AdminNotFoundException($"Key {keyId} is not one of your keys.");
        KeyEndpoints.Revoke(admin, key);
        var org = key.Consumer.Project.Organization.Slug;
        var project = key.Consumer.Project.Slug;
        await admin.CommitAsync("key.revoke", org, Targets.InProject("key", org, project, key.Prefix), StatusCodes.Status200OK, ct);
        return Results.Ok(new KeyRow(key, key.Consumer.Name, project, org).View(admin.Now));
    }

    private static async Task<IResult> UsageAsync(AdminContext admin, CancellationToken ct)
    {
        var userId = RequireUser(admin, "usage.read");
        var consumers = await ConsumersAsync(admin, userId, ct);
        var ids = consumers.Keys.ToList();
        var (from, to) = UsageLedgerQueries.CalendarMonthUtc(admin.Now);
        var cells = await admin.Db.UsageRecords.AsNoTracking()
            .Where(r => ids.Contains(r.ConsumerId) && r.OccurredAt >= from && r.OccurredAt < to)
            .GroupBy(r => new { r.ConsumerId, r.LogicalModel })
            .Select(g => new UsageEndpoints.Cell(Guid.Empty, g.Key.ConsumerId, g.Key.LogicalModel, g.Count(), g.Sum(r => r.InputTokens), g.Sum(r => r.OutputTokens),
                g.Sum(r => r.CacheReadTokens), g.Sum(r => r.CacheWriteTokens), g.Sum(r => r.CostUsd)))
            .ToListAsync(ct);
        var budgets = await MyBudgets.LoadAsync(admin.Db, userId, [.. consumers.Values], from, to, ct);

        var byConsumer = consumers.Values.OrderBy(c => c.Qualified, StringComparer.Ordinal).Select(c =>
        {
            var spent = cells.Where(x => x.ConsumerId == c.Id).Sum(x => x.CostUsd);
            var applicable = budgets.For(c);
            var binding = MyBudgets.Binding(applicable);
            return new MyConsumerUsageView(c.Qualified, spent, binding?.MonthlyUsd, binding?.RemainingUsd, binding?.Scope, applicable);
        }).ToList();
        var total = UsageEndpoints.Sum("total", cells);
        var tightest = MyBudgets.Binding([.. byConsumer.SelectMany(c => c.Budgets)]);
        return Results.Ok(new MyUsageView(from, to, total.CostUsd, total.Requests, total.InputTokens, total.OutputTokens, total.CacheReadTokens, total.CacheWriteTokens,
            tightest?.MonthlyUsd, tightest?.RemainingUsd, tightest?.Scope, UsageEndpoints.Roll(cells, c => c.Model), byConsumer));
    }

    private static async Task<IResult> BlockedRequestsAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        var userId = RequireUser(admin, "guardrail_block.list");
        var ids = (await ConsumersAsync(admin, userId, ct)).Keys.ToList();
        return Results.Ok(await UsageEndpoints.BlocksPageAsync(admin, request, admin.Db.GuardrailBlocks.AsNoTracking().Where(b => ids.Contains(b.ConsumerId)), ct));
    }

    /// <summary>
    /// Marks one of the caller's blocked requests as a false positive (SPEC G-4) for the organization's admins to review.
    /// Idempotent: reporting again keeps the first report's time. Another person's block is 404, like a missing one.
    /// </summary>
    private static async Task<IResult> ReportFalsePositiveAsync(AdminContext admin, HttpRequest request, Guid id, CancellationToken ct)
    {
        const string action = "guardrail_block.report_false_positive";
        var userId = RequireUser(admin, action);
        var ids = (await ConsumersAsync(admin, userId, ct)).Keys.ToList();
        var block = await admin.Db.GuardrailBlocks.SingleOrDefaultAsync(b => b.Id == id && ids.Contains(b.ConsumerId), ct)
            ?? throw new AdminNotFoundException($"Blocked request {id} is not one of your blocked requests.");
        if (!block.ReportedFalsePositive)
        {
            block.ReportedFalsePositive = true;
            block.ReportedAt = admin.Now;
        }

        var org = await admin.Db.Organizations.AsNoTracking().Where(o => o.Id == block.OrganizationId).Select(o => o.Slug).SingleOrDefaultAsync(ct);
        await admin.CommitAsync(action, org, "guardrail-block:" + block.Id, StatusCodes.Status200OK, ct);
        var view = await UsageEndpoints.BlocksPageAsync(admin, request, admin.Db.GuardrailBlocks.AsNoTracking().Where(b => b.Id == block.Id), ct);
        return Results.Ok(view.Items.Single());
    }

    /// <summary>The caller's consumers (by id, with <c>org.project.name</c>) in the organizations the credential may see.</summary>
    private static async Task<Dictionary<Guid, MyConsumer>> ConsumersAsync(AdminContext admin, Guid userId, CancellationToken ct)
    {
        var visible = VisibleOrganizations(admin);
        return await admin.Db.Consumers.AsNoTracking()
            .Where(c => c.UserId == userId && (visible == null || visible.Contains(c.Project.OrganizationId)))
            .Select(c => new MyConsumer(c.Id, c.ProjectId, c.Project.OrganizationId, c.Project.Organization.Slug, c.Project.Slug,
                c.Project.Organization.Slug + "." + c.Project.Slug + "." + c.Name))
            .ToDictionaryAsync(c => c.Id, ct);
    }

    /// <summary>
    /// The organizations a personal credential may see: all for a platform admin, else those it acts in (a token
    /// limited to one organization sees only that one). Null means no restriction.
    /// </summary>
    private static List<Guid>? VisibleOrganizations(AdminContext admin) =>
        admin.Principal.IsPlatformAdmin ? null : [.. admin.Principal.Organizations.Keys];

    private static Guid RequireUser(AdminContext admin, string action) =>
        admin.Principal.UserId ?? throw new AdminDeniedException(action, null, null,
            "This credential has no user (the bootstrap token or a service token); personal keys, usage and blocked requests belong to users.");

    /// <summary>The consumer name from the e-mail address, or with a numeric suffix when a service consumer already took it.</summary>
    private static async Task<string> FreeConsumerNameAsync(AdminContext admin, Project project, string email, CancellationToken ct)
    {
        var name = ConsumerEndpoints.DefaultName(email);
        var taken = await admin.Db.Consumers.AsNoTracking().Where(c => c.ProjectId == project.Id && c.Name.StartsWith(name)).Select(c => c.Name).ToListAsync(ct);
        if (!taken.Contains(name, StringComparer.Ordinal))
        {
            return name;
        }

        for (var i = 2; ; i++)
        {
            var suffix = "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var candidate = name[..Math.Min(name.Length, 63 - suffix.Length)] + suffix;
            if (!taken.Contains(candidate, StringComparer.Ordinal))
            {
                return candidate;
            }
        }
    }

    private sealed record KeyRow(ApiKey Key, string Consumer, string Project, string Organization)
    {
        public MyKeyView View(DateTimeOffset now)
        {
            var status = KeyEndpoints.View(Key, Consumer, now).Status;
            return new MyKeyView(Key.Id, Key.Prefix, Key.Name, Organization, Project, $"{Organization}.{Project}.{Consumer}", status,
                Key.CreatedAt, Key.ExpiresAt, Key.LastUsedAt, Key.RevokedAt);
        }
    }
}
