using Warden.Storage.Entities;

namespace Warden.Storage;

/// <summary>
/// Cost totals over the usage ledger, e.g. month-to-date spend to seed budget counters. Each query is a single
/// <c>SELECT … SUM(cost_usd) … GROUP BY</c> executed by the database (on SQLite as well), served by the
/// <c>(scope_id, occurred_at)</c> indexes. Narrow the records first (e.g. <c>Where(r =&gt; r.OrganizationId == id)</c>).
/// </summary>
public static class UsageLedgerQueries
{
    /// <summary>The calendar month (UTC) containing <paramref name="instant"/>: [first day 00:00, next month's first day 00:00).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) CalendarMonthUtc(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        var start = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (start, start.AddMonths(1));
    }

    /// <summary>Cost per organization for records with <paramref name="fromInclusive"/> ≤ occurred_at &lt; <paramref name="toExclusive"/>.</summary>
    public static IQueryable<ScopeCost> CostByOrganization(this IQueryable<UsageRecord> records, DateTimeOffset fromInclusive, DateTimeOffset toExclusive) =>
        records.Where(r => r.OccurredAt >= fromInclusive && r.OccurredAt < toExclusive)
            .GroupBy(r => r.OrganizationId)
            .Select(g => new ScopeCost(g.Key, g.Sum(r => r.CostUsd)));

    /// <summary>Cost per project for records with <paramref name="fromInclusive"/> ≤ occurred_at &lt; <paramref name="toExclusive"/>.</summary>
    public static IQueryable<ScopeCost> CostByProject(this IQueryable<UsageRecord> records, DateTimeOffset fromInclusive, DateTimeOffset toExclusive) =>
        records.Where(r => r.OccurredAt >= fromInclusive && r.OccurredAt < toExclusive)
            .GroupBy(r => r.ProjectId)
            .Select(g => new ScopeCost(g.Key, g.Sum(r => r.CostUsd)));

    /// <summary>Cost per consumer for records with <paramref name="fromInclusive"/> ≤ occurred_at &lt; <paramref name="toExclusive"/>.</summary>
    public static IQueryable<ScopeCost> CostByConsumer(this IQueryable<UsageRecord> records, DateTimeOffset fromInclusive, DateTimeOffset toExclusive) =>
        records.Where(r => r.OccurredAt >= fromInclusive && r.OccurredAt < toExclusive)
            .GroupBy(r => r.ConsumerId)
            .Select(g => new ScopeCost(g.Key, g.Sum(r => r.CostUsd)));

    /// <summary>Cost per group for attributions with <paramref name="fromInclusive"/> ≤ occurred_at &lt; <paramref name="toExclusive"/>.</summary>
    public static IQueryable<ScopeCost> CostByGroup(this IQueryable<UsageRecordGroup> records, DateTimeOffset fromInclusive, DateTimeOffset toExclusive) =>
        records.Where(r => r.OccurredAt >= fromInclusive && r.OccurredAt < toExclusive)
            .GroupBy(r => r.GroupId)
            .Select(g => new ScopeCost(g.Key, g.Sum(r => r.CostUsd)));
}
