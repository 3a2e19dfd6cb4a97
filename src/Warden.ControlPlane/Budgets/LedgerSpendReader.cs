using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Warden.Core.Budgets;
using Warden.Core.Diagnostics;
using Warden.Core.Snapshots;
using Warden.Storage;

namespace Warden.ControlPlane.Budgets;

/// <summary>
/// Month-to-date spend per scope, summed by the database over the usage ledger (one indexed range query per scope
/// kind; groups through their attribution rows). Serves <c>GET /internal/spend</c> and, in <c>warden serve</c>, the
/// co-located gateway directly.
/// </summary>
public sealed partial class LedgerSpendReader : ISpendSource
{
    private readonly IDbContextFactory<WardenDbContext> _contexts;
    private readonly ILogger<LedgerSpendReader> _logger;

    public LedgerSpendReader(IDbContextFactory<WardenDbContext> contexts, ILogger<LedgerSpendReader> logger)
    {
        _contexts = contexts;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ScopeSpend>> GetMonthToDateAsync(DateTimeOffset monthStart, IReadOnlyList<ScopeRef> scopes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var start = BudgetPeriods.MonthStart(monthStart);
        var end = start.AddMonths(1);
        var totals = new Dictionary<ScopeRef, decimal>();
        try
        {
            await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
            foreach (var group in scopes.Distinct().GroupBy(s => s.Scope))
            {
                var ids = group.Select(s => s.Id).ToList();
                var query = group.Key switch
                {
                    PolicyScope.Organization => db.UsageRecords.Where(r => ids.Contains(r.OrganizationId)).CostByOrganization(start, end),
                    PolicyScope.Project => db.UsageRecords.Where(r => ids.Contains(r.ProjectId)).CostByProject(start, end),
                    PolicyScope.Consumer => db.UsageRecords.Where(r => ids.Contains(r.ConsumerId)).CostByConsumer(start, end),
                    _ => db.UsageRecordGroups.Where(r => ids.Contains(r.GroupId)).CostByGroup(start, end),
                };
                foreach (var row in await query.ToListAsync(cancellationToken))
                {
                    totals[new ScopeRef(group.Key, row.ScopeId)] = row.CostUsd;
                }
            }
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            LogFailed(_logger, ex);
            throw;
        }

        return [.. scopes.Distinct().Select(s => new ScopeSpend(s, totals.GetValueOrDefault(s)))];
    }

    [LoggerMessage(EventId = WardenEventIds.SpendQueryFailed, Level = LogLevel.Warning, Message = "Month-to-date spend query failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
