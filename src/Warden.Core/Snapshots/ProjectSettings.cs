using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Warden.Core.Snapshots;

/// <summary>
/// Everything a project's traffic is subject to besides routing: budgets and limits by scope (organization, project,
/// consumers of the project; group caps live on <see cref="GroupEntry"/>), guardrails, cache, semantic guard and MCP
/// servers, and the groups assigned to the project. Published now, enforced by the gates that read them.
/// </summary>
public sealed record ProjectSettings(
    BudgetEntry? OrganizationBudget,
    LimitEntry? OrganizationLimit,
    BudgetEntry? ProjectBudget,
    LimitEntry? ProjectLimit,
    FrozenDictionary<Guid, BudgetEntry> ConsumerBudgets,
    FrozenDictionary<Guid, LimitEntry> ConsumerLimits,
    GuardrailSettings? Guardrails,
    CacheSettings? Cache,
    SemanticGuardSettings? SemanticGuard,
    FrozenDictionary<string, McpServerEntry> McpServers,
    ImmutableArray<Guid> AssignedGroupIds)
{
    /// <summary>No budgets, limits, guardrails, cache, guard or MCP servers.</summary>
    public static ProjectSettings Empty { get; } = new(null, null, null, null,
        FrozenDictionary<Guid, BudgetEntry>.Empty, FrozenDictionary<Guid, LimitEntry>.Empty, null, null, null,
        FrozenDictionary<string, McpServerEntry>.Empty, []);

    /// <summary>The budgets that apply to <paramref name="consumer"/>'s requests, widest scope first.</summary>
    public IEnumerable<BudgetEntry> BudgetsFor(ConsumerEntry consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        if (OrganizationBudget is not null)
        {
            yield return OrganizationBudget;
        }

        if (ProjectBudget is not null)
        {
            yield return ProjectBudget;
        }

        foreach (var group in consumer.Groups)
        {
            if (group.Budget is not null)
            {
                yield return group.Budget;
            }
        }

        if (ConsumerBudgets.TryGetValue(consumer.Id, out var own))
        {
            yield return own;
        }
    }

    /// <summary>The limits that apply to <paramref name="consumer"/>'s requests, widest scope first.</summary>
    public IEnumerable<LimitEntry> LimitsFor(ConsumerEntry consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        if (OrganizationLimit is not null)
        {
            yield return OrganizationLimit;
        }

        if (ProjectLimit is not null)
        {
            yield return ProjectLimit;
        }

        foreach (var group in consumer.Groups)
        {
            if (group.Limit is not null)
            {
                yield return group.Limit;
            }
        }

        if (ConsumerLimits.TryGetValue(consumer.Id, out var own))
        {
            yield return own;
        }
    }
}
