using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// The budgets on the scope chains of a user's consumers (organization, project, the user's groups assigned to the
/// project — the groups the gateway attributes the consumer to — and the consumer) with each scope's month-to-date
/// spend from the ledger: one indexed <c>SUM … GROUP BY</c> per scope kind that has a budget, none otherwise.
/// </summary>
internal sealed class MyBudgets
{
    private readonly Dictionary<(ScopeKind, Guid), MyBudgetView> _budgets;
    private readonly ILookup<Guid, Guid> _groupsOfProject;

    private MyBudgets(Dictionary<(ScopeKind, Guid), MyBudgetView> budgets, ILookup<Guid, Guid> groupsOfProject)
    {
        _budgets = budgets;
        _groupsOfProject = groupsOfProject;
    }

    public static async Task<MyBudgets> LoadAsync(WardenDbContext db, Guid userId, IReadOnlyList<MyConsumer> consumers, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
    {
        var projectIds = consumers.Select(c => c.ProjectId).Distinct().ToList();
        var organizationIds = consumers.Select(c => c.OrganizationId).Distinct().ToList();
        var consumerIds = consumers.Select(c => c.Id).ToList();
        var userGroups = await db.GroupMemberships.AsNoTracking().Where(m => m.UserId == userId).Select(m => m.GroupId).ToListAsync(ct);
        var assignments = await db.ProjectGroups.AsNoTracking().Where(pg => projectIds.Contains(pg.ProjectId) && userGroups.Contains(pg.GroupId))
            .Select(pg => new { pg.ProjectId, pg.GroupId, pg.Group.Slug }).ToListAsync(ct);
        var groupIds = assignments.Select(a => a.GroupId).Distinct().ToList();
        var scopeIds = organizationIds.Concat(projectIds).Concat(groupIds).Concat(consumerIds).ToList();
        var rows = await db.Budgets.AsNoTracking().Where(b => scopeIds.Contains(b.ScopeId)).ToListAsync(ct);

        var spent = new Dictionary<Guid, decimal>();
        async Task SpendAsync(ScopeKind kind, Func<List<Guid>, IQueryable<ScopeCost>> query)
        {
            var ids = rows.Where(b => b.Scope == kind).Select(b => b.ScopeId).ToList();
            if (ids.Count > 0)
            {
                foreach (var cost in await query(ids).ToListAsync(ct))
                {
                    spent[cost.ScopeId] = cost.CostUsd;
                }
            }
        }

        await SpendAsync(ScopeKind.Org, ids => db.UsageRecords.AsNoTracking().Where(r => ids.Contains(r.OrganizationId)).CostByOrganization(from, to));
        await SpendAsync(ScopeKind.Project, ids => db.UsageRecords.AsNoTracking().Where(r => ids.Contains(r.ProjectId)).CostByProject(from, to));
        await SpendAsync(ScopeKind.Group, ids => db.UsageRecordGroups.AsNoTracking().Where(r => ids.Contains(r.GroupId)).CostByGroup(from, to));
        await SpendAsync(ScopeKind.Consumer, ids => db.UsageRecords.AsNoTracking().Where(r => ids.Contains(r.ConsumerId)).CostByConsumer(from, to));

        var names = new Dictionary<Guid, string>();
        foreach (var c in consumers)
        {
            names[c.OrganizationId] = c.Organization;
            names[c.ProjectId] = c.Organization + "." + c.Project;
            names[c.Id] = c.Qualified;
        }

        foreach (var a in assignments)
        {
            names[a.GroupId] = a.Slug;
        }

        var budgets = rows.ToDictionary(b => (b.Scope, b.ScopeId), b =>
        {
            var used = spent.GetValueOrDefault(b.ScopeId);
            return new MyBudgetView(b.Scope, names.GetValueOrDefault(b.ScopeId) ?? b.ScopeId.ToString(), b.MonthlyUsd, used, Math.Max(0m, b.MonthlyUsd - used));
        });
        return new MyBudgets(budgets, assignments.ToLookup(a => a.ProjectId, a => a.GroupId));
    }

    /// <summary>The budgets applying to <paramref name="consumer"/>, broadest scope first.</summary>
    public List<MyBudgetView> For(MyConsumer consumer)
    {
        var chain = new List<(ScopeKind, Guid)> { (ScopeKind.Org, consumer.OrganizationId), (ScopeKind.Project, consumer.ProjectId) };
        chain.AddRange(_groupsOfProject[consumer.ProjectId].Order().Select(g => (ScopeKind.Group, g)));
        chain.Add((ScopeKind.Consumer, consumer.Id));
        return [.. chain.Select(_budgets.GetValueOrDefault).OfType<MyBudgetView>()];
    }

    /// <summary>The tightest of <paramref name="budgets"/>: least remaining, then the smaller cap, then the narrower scope.</summary>
    public static MyBudgetView? Binding(IReadOnlyList<MyBudgetView> budgets) =>
        budgets.OrderBy(b => b.RemainingUsd).ThenBy(b => b.MonthlyUsd).ThenByDescending(b => b.Scope).FirstOrDefault();
}
