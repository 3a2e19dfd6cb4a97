using Microsoft.Extensions.Logging.Abstractions;
using Warden.ControlPlane.Budgets;
using Warden.Core.Budgets;
using Warden.Core.Snapshots;
using Warden.Storage;
using Warden.Storage.Entities;
using Warden.Testing;

namespace Warden.Tests.Budgets;

/// <summary>
/// Month-to-date spend per scope from the ledger on PostgreSQL and SQLite: only the requested month counts (the
/// boundaries are [1st 00:00 UTC, next 1st 00:00 UTC)), groups through their attribution rows, unknown scopes are zero.
/// </summary>
public sealed class LedgerSpendReaderTests : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset s_month = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly PostgresDatabase _database;

    public LedgerSpendReaderTests(PostgresDatabase database)
    {
        _database = database;
    }

    [Fact]
    public Task MonthToDate_PerScope_OnPostgres() => AssertMonthToDateAsync(StorageOptions.ForPostgres(_database.ConnectionString));

    [Fact]
    public Task MonthToDate_PerScope_OnSqlite() =>
        AssertMonthToDateAsync(StorageOptions.ForSqliteFile(Path.Combine(Path.GetTempPath(), "warden-spend-" + Guid.NewGuid().ToString("N") + ".db")));

    private static async Task AssertMonthToDateAsync(StorageOptions storage)
    {
        var factory = new WardenDbContextFactory(storage);
        await new WardenDatabase(factory).MigrateAsync();
        var org = Guid.NewGuid();
        var project = Guid.NewGuid();
        var alice = Guid.NewGuid();
        var bob = Guid.NewGuid();
        var group = Guid.NewGuid();
        await using (var db = factory.CreateDbContext())
        {
            Add(db, org, project, alice, s_month, 0.25m, group);                          // first instant of the month
            Add(db, org, project, alice, s_month.AddDays(20), 1.125m, null);
            Add(db, org, project, bob, s_month.AddMonths(1).AddTicks(-10), 2m, group);    // last moment of the month
            Add(db, org, project, bob, s_month.AddMonths(1), 100m, group);                // next month
            Add(db, org, project, alice, s_month.AddTicks(-10), 100m, group);             // previous month
            await db.SaveChangesAsync();
        }

        var reader = new LedgerSpendReader(factory, NullLogger<LedgerSpendReader>.Instance);
        var unknown = Guid.NewGuid();
        var spend = await reader.GetMonthToDateAsync(s_month.AddDays(3), [
            new ScopeRef(PolicyScope.Organization, org),
            new ScopeRef(PolicyScope.Project, project),
            new ScopeRef(PolicyScope.Group, group),
            new ScopeRef(PolicyScope.Consumer, alice),
            new ScopeRef(PolicyScope.Consumer, bob),
            new ScopeRef(PolicyScope.Consumer, unknown),
        ], CancellationToken.None);

        var byScope = spend.ToDictionary(s => s.Scope, s => s.Usd);
        Assert.Equal(3.375m, byScope[new ScopeRef(PolicyScope.Organization, org)]);
        Assert.Equal(3.375m, byScope[new ScopeRef(PolicyScope.Project, project)]);
        Assert.Equal(2.25m, byScope[new ScopeRef(PolicyScope.Group, group)]);
        Assert.Equal(1.375m, byScope[new ScopeRef(PolicyScope.Consumer, alice)]);
        Assert.Equal(2m, byScope[new ScopeRef(PolicyScope.Consumer, bob)]);
        Assert.Equal(0m, byScope[new ScopeRef(PolicyScope.Consumer, unknown)]);
    }

    private static void Add(WardenDbContext db, Guid org, Guid project, Guid consumer, DateTimeOffset at, decimal usd, Guid? group)
    {
        var id = Guid.NewGuid();
        db.UsageRecords.Add(new UsageRecord
        {
            EventId = id,
            OccurredAt = at,
            OrganizationId = org,
            ProjectId = project,
            ConsumerId = consumer,
            LogicalModel = "chat",
            Status = "ok",
            RequestId = id.ToString("N"),
            CostUsd = usd,
        });
        if (group is { } g)
        {
            db.UsageRecordGroups.Add(new UsageRecordGroup { EventId = id, GroupId = g, OccurredAt = at, CostUsd = usd });
        }
    }
}
