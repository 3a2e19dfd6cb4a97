using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// Usage totals of one row of a report. <c>key</c> names the row: a project slug, a qualified consumer name
/// (<c>org.project.name</c>), a logical model or a UTC day (<c>yyyy-MM-dd</c>); ids of deleted projects and consumers
/// appear as ids, because the ledger outlives configuration.
/// </summary>
public sealed record UsageRowView(string Key, long Requests, long InputTokens, long OutputTokens, long CacheReadTokens, long CacheWriteTokens, decimal CostUsd);

/// <summary>An organization's usage in <c>[from, to)</c>, in total and by project, consumer, model and day.</summary>
public sealed record OrganizationUsageView(DateTimeOffset From, DateTimeOffset To, UsageRowView Total, IReadOnlyList<UsageRowView> ByProject,
    IReadOnlyList<UsageRowView> ByConsumer, IReadOnlyList<UsageRowView> ByModel, IReadOnlyList<UsageRowView> ByDay);

/// <summary>Usage of every organization in <c>[from, to)</c>, in total and by organization, model and day (platform admins).</summary>
public sealed record PlatformUsageView(DateTimeOffset From, DateTimeOffset To, UsageRowView Total, IReadOnlyList<UsageRowView> ByOrganization,
    IReadOnlyList<UsageRowView> ByModel, IReadOnlyList<UsageRowView> ByDay);

/// <summary>
/// A request a guardrail blocked: the rule and a short, already redacted snippet, never the prompt; whether (and when)
/// the member reported it as a false positive.
/// </summary>
public sealed record BlockedRequestView(Guid Id, DateTimeOffset OccurredAt, string? Project, string? Consumer, string RuleId, string Kind,
    string Snippet, string? RequestId, bool ReportedFalsePositive, DateTimeOffset? ReportedAt);

/// <summary>
/// Usage reports for admins (SPEC ML-5): <c>GET /api/orgs/{org}/usage?from=&amp;to=</c>,
/// <c>GET /api/orgs/{org}/projects/{project}/usage?from=&amp;to=</c> and <c>GET /api/orgs/{org}/guardrail-blocks?project=&amp;reportedFalsePositive=</c> for
/// org admins of the organization and platform admins; <c>GET /api/usage?from=&amp;to=</c> across organizations for
/// platform admins. Exports of ledger rows are in <see cref="UsageExportEndpoints"/>.
/// </summary>
public static class UsageEndpoints
{
    /// <summary>Longest report window: a quarter, so the per-day breakdown stays a bounded number of indexed range queries.</summary>
    public const int MaxWindowDays = 92;

    public static RouteGroupBuilder MapUsageEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/usage", PlatformUsageAsync).WithTags("Usage").Produces<PlatformUsageView>();
        api.MapGet("/orgs/{org}/usage", OrganizationUsageAsync).WithTags("Usage").Produces<OrganizationUsageView>();
        api.MapGet("/orgs/{org}/projects/{project}/usage", ProjectUsageAsync).WithTags("Usage").Produces<OrganizationUsageView>();
        api.MapGet("/orgs/{org}/guardrail-blocks", OrganizationBlocksAsync).WithTags("Usage").Produces<Page<BlockedRequestView>>();
        return api;
    }

    private static async Task<IResult> OrganizationUsageAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "usage.read", null, ct);
        var (from, to) = ReadWindow(request, admin.Now);
        var records = admin.Db.UsageRecords.AsNoTracking().Where(r => r.OrganizationId == organization.Id && r.OccurredAt >= from && r.OccurredAt < to);
        return Results.Ok(await ReportAsync(admin, organization, records, from, to, ct));
    }

    private static async Task<IResult> ProjectUsageAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "usage.read", Targets.Project(org, project), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var (from, to) = ReadWindow(request, admin.Now);
        var records = admin.Db.UsageRecords.AsNoTracking().Where(r => r.ProjectId == entity.Id && r.OccurredAt >= from && r.OccurredAt < to);
        return Results.Ok(await ReportAsync(admin, organization, records, from, to, ct));
    }

    private static async Task<IResult> PlatformUsageAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        admin.RequirePlatformAdmin("usage.read", null, "usage:all");
        var (from, to) = ReadWindow(request, admin.Now);
        var records = admin.Db.UsageRecords.AsNoTracking().Where(r => r.OccurredAt >= from && r.OccurredAt < to);
        var cells = await records.GroupBy(r => new { r.OrganizationId, r.LogicalModel })
            .Select(g => new Cell(g.Key.OrganizationId, Guid.Empty, g.Key.LogicalModel, g.Count(), g.Sum(r => r.InputTokens), g.Sum(r => r.OutputTokens),
                g.Sum(r => r.CacheReadTokens), g.Sum(r => r.CacheWriteTokens), g.Sum(r => r.CostUsd)))
            .ToListAsync(ct);
        var organizationIds = cells.Select(c => c.ProjectId).Distinct().ToList();
        var organizations = await admin.Db.Organizations.AsNoTracking().Where(o => organizationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Slug, ct);
        return Results.Ok(new PlatformUsageView(
            from,
            to,
            Sum("total", cells),
            Roll(cells, c => organizations.GetValueOrDefault(c.ProjectId) ?? c.ProjectId.ToString()),
            Roll(cells, c => c.Model),
            await DaysAsync(records, from, to, ct)));
    }

    /// <summary>
    /// The report over <paramref name="records"/> (already narrowed to an organization or project and the window):
    /// one <c>SUM … GROUP BY</c> over the finest grain the breakdowns need, rolled up into projects, consumers and
    /// models, plus the per-day totals.
    /// </summary>
    private static async Task<OrganizationUsageView> ReportAsync(AdminContext admin, Organization organization, IQueryable<UsageRecord> records,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var cells = await records.GroupBy(r => new { r.ProjectId, r.ConsumerId, r.LogicalModel })
            .Select(g => new Cell(g.Key.ProjectId, g.Key.ConsumerId, g.Key.LogicalModel, g.Count(), g.Sum(r => r.InputTokens), g.Sum(r => r.OutputTokens),
                g.Sum(r => r.CacheReadTokens), g.Sum(r => r.CacheWriteTokens), g.Sum(r => r.CostUsd)))
            .ToListAsync(ct);

        var org = organization.Slug;
        var projects = await admin.Db.Projects.AsNoTracking().Where(p => p.OrganizationId == organization.Id).ToDictionaryAsync(p => p.Id, p => p.Slug, ct);
        var consumerIds = cells.Select(c => c.ConsumerId).Distinct().ToList();
        var consumers = await admin.Db.Consumers.AsNoTracking().Where(c => consumerIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Name, Project = c.Project.Slug }).ToDictionaryAsync(c => c.Id, c => $"{org}.{c.Project}.{c.Name}", ct);

        return new OrganizationUsageView(
            from,
            to,
            Sum("total", cells),
            Roll(cells, c => projects.GetValueOrDefault(c.ProjectId) ?? c.ProjectId.ToString()),
            Roll(cells, c => consumers.GetValueOrDefault(c.ConsumerId) ?? c.ConsumerId.ToString()),
            Roll(cells, c => c.Model),
            await DaysAsync(records, from, to, ct));
    }

    /// <summary>
    /// Totals per UTC day: one indexed range query per day of the window (at most <see cref="MaxWindowDays"/>), the
    /// same SQL on both databases (SQLite has no portable date truncation of the stored instants).
    /// </summary>
    private static async Task<List<UsageRowView>> DaysAsync(IQueryable<UsageRecord> records, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var days = new List<UsageRowView>();
        for (var day = from.UtcDateTime.Date; day < to.UtcDateTime; day = day.AddDays(1))
        {
            var start = Max(new DateTimeOffset(day, TimeSpan.Zero), from);
            var end = Min(new DateTimeOffset(day.AddDays(1), TimeSpan.Zero), to);
            var total = await records.Where(r => r.OccurredAt >= start && r.OccurredAt < end).GroupBy(r => 1)
                .Select(g => new Cell(Guid.Empty, Guid.Empty, "", g.Count(), g.Sum(r => r.InputTokens), g.Sum(r => r.OutputTokens),
                    g.Sum(r => r.CacheReadTokens), g.Sum(r => r.CacheWriteTokens), g.Sum(r => r.CostUsd)))
                .SingleOrDefaultAsync(ct);
            if (total is not null)
            {
                days.Add(total.Row(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            }
        }

        return days;
    }

    private static async Task<IResult> OrganizationBlocksAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "guardrail_block.list", null, ct);
        var query = admin.Db.GuardrailBlocks.AsNoTracking().Where(b => b.OrganizationId == organization.Id);
        if (request.Query.TryGetValue("project", out var project) && project.ToString().Length > 0)
        {
            var entity = await admin.ProjectAsync(organization, project.ToString(), ct);
            query = query.Where(b => b.ProjectId == entity.Id);
        }

        if (request.Query.TryGetValue("reportedFalsePositive", out var reported) && reported.ToString().Length > 0)
        {
            var flag = bool.TryParse(reported.ToString(), out var value) ? value : throw new AdminValidationException("reportedFalsePositive", "must be true or false.");
            query = query.Where(b => b.ReportedFalsePositive == flag);
        }

        return Results.Ok(await BlocksPageAsync(admin, request, query, ct));
    }

    /// <summary>One page of guardrail blocks, newest first, with project and consumer names where they still exist.</summary>
    internal static async Task<Page<BlockedRequestView>> BlocksPageAsync(AdminContext admin, HttpRequest request, IQueryable<GuardrailBlock> blocks, CancellationToken ct)
    {
        var page = await blocks.OrderByDescending(b => b.OccurredAt).ThenByDescending(b => b.Id).ToPageAsync(request, b => b, ct);
        var consumerIds = page.Items.Select(b => b.ConsumerId).Distinct().ToList();
        var projectIds = page.Items.Select(b => b.ProjectId).Distinct().ToList();
        var projects = await admin.Db.Projects.AsNoTracking().Where(p => projectIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Slug, Org = p.Organization.Slug }).ToDictionaryAsync(p => p.Id, ct);
        var consumers = await admin.Db.Consumers.AsNoTracking().Where(c => consumerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var items = page.Items.Select(b =>
        {
            var p = projects.GetValueOrDefault(b.ProjectId);
            var consumer = p is not null && consumers.TryGetValue(b.ConsumerId, out var name) ? $"{p.Org}.{p.Slug}.{name}" : null;
            return new BlockedRequestView(b.Id, b.OccurredAt, p?.Slug, consumer, b.RuleId, b.Kind, b.Snippet, b.RequestId, b.ReportedFalsePositive, b.ReportedAt);
        }).ToList();
        return new Page<BlockedRequestView>(items, page.Offset, page.Limit, page.NextOffset);
    }

    /// <summary>
    /// <c>from</c> and <c>to</c> (ISO 8601; a date means 00:00 UTC) as a half-open window, by default the current
    /// calendar month (UTC). At most <paramref name="maxDays"/> days.
    /// </summary>
    internal static (DateTimeOffset From, DateTimeOffset To) ReadWindow(HttpRequest request, DateTimeOffset now, int maxDays = MaxWindowDays)
    {
        var (monthStart, monthEnd) = UsageLedgerQueries.CalendarMonthUtc(now);
        var validation = new Validation();
        var from = Instant(request, "from", validation) ?? monthStart;
        var to = Instant(request, "to", validation) ?? monthEnd;
        validation.ThrowIfInvalid();
        if (to <= from)
        {
            throw new AdminValidationException("to", "must be after from.");
        }

        if (to - from > TimeSpan.FromDays(maxDays))
        {
            throw new AdminValidationException("to", $"must be at most {maxDays} days after from.");
        }

        return (from, to);
    }

    private static DateTimeOffset? Instant(HttpRequest request, string name, Validation validation)
    {
        if (!request.Query.TryGetValue(name, out var raw) || raw.ToString().Length == 0)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(raw.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            // PostgreSQL compares timestamptz parameters in UTC only.
            return value.ToUniversalTime();
        }

        validation.Add(name, "must be an ISO 8601 date or time.");
        return null;
    }

    /// <summary>Rolls cells up by a key, most expensive first.</summary>
    internal static List<UsageRowView> Roll(List<Cell> cells, Func<Cell, string> key) =>
        [.. cells.GroupBy(key, StringComparer.Ordinal).Select(g => Sum(g.Key, g)).OrderByDescending(r => r.CostUsd).ThenBy(r => r.Key, StringComparer.Ordinal)];

    /// <summary>Sums cells under one key.</summary>
    internal static UsageRowView Sum(string key, IEnumerable<Cell> cells)
    {
        long requests = 0, input = 0, output = 0, cacheRead = 0, cacheWrite = 0;
        decimal cost = 0;
        foreach (var c in cells)
        {
            requests += c.Requests;
            input += c.InputTokens;
            output += c.OutputTokens;
            cacheRead += c.CacheReadTokens;
            cacheWrite += c.CacheWriteTokens;
            cost += c.CostUsd;
        }

        return new UsageRowView(key, requests, input, output, cacheRead, cacheWrite, cost);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>Totals of one group of usage records.</summary>
    internal sealed record Cell(Guid ProjectId, Guid ConsumerId, string Model, long Requests, long InputTokens, long OutputTokens,
        long CacheReadTokens, long CacheWriteTokens, decimal CostUsd)
    {
        public UsageRowView Row(string key) => new(key, Requests, InputTokens, OutputTokens, CacheReadTokens, CacheWriteTokens, CostUsd);
    }
}
