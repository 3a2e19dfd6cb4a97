using System.Runtime.InteropServices;
using Warden.Core.Pricing;
using Warden.Core.Snapshots;
using Warden.Core.Usage;

namespace Warden.Core.Budgets;

/// <summary>
/// Builds the <see cref="AdmissionPlan"/> of a request: the scope chain (organization, project, each of the consumer's
/// groups, consumer) and, for every budget and limit set on it, a counter charge. Every applicable cap is checked, so
/// the tightest one decides. Pure: the clock and the snapshot come in as arguments.
/// </summary>
public static class AdmissionPlanner
{
    /// <summary>Plans the charges of a request by <paramref name="consumer"/> on <paramref name="route"/> at <paramref name="now"/>.</summary>
    /// <param name="consumer">The consumer the request is attributed to.</param>
    /// <param name="route">The route chosen for the logical model (its targets' prices bound the cost).</param>
    /// <param name="prices">The snapshot's price table.</param>
    /// <param name="input">Facts of the request.</param>
    /// <param name="now">The current time (UTC).</param>
    /// <param name="defaultOutputTokens">Output allowance when the request sets no <c>max_tokens</c>.</param>
    /// <param name="keyPrefix">Prefix of every counter key (e.g. <c>warden:</c>).</param>
    public static AdmissionPlan Plan(ConsumerEntry consumer, RouteEntry route, PriceTable prices, AdmissionInput input, DateTimeOffset now,
        int defaultOutputTokens, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(prices);
        var settings = consumer.Project.Settings;
        if (!HasAny(settings, consumer))
        {
            return AdmissionPlan.Empty;
        }

        var promptTokens = input.EstimatedPromptTokens;
        var outputTokens = input.OutputAllowance(defaultOutputTokens);
        var tokens = promptTokens + outputTokens;
        var usd = WorstCaseUsd(route, prices, input.LogicalModel, new TokenUsage(promptTokens, outputTokens, 0, 0));
        var nano = UsdUnits.ToNano(usd);

        var template = ChargeTemplate.For(consumer, keyPrefix);
        var keys = template.KeysAt(now);
        var charges = new CounterCharge[template.Entries.Length];
        for (var i = 0; i < charges.Length; i++)
        {
            var entry = template.Entries[i];
            var amount = entry.Kind switch
            {
                CounterKind.BudgetUsd => nano,
                CounterKind.TokensPerMinute => tokens,
                _ => 1,
            };
            DateTimeOffset? periodEnd = entry.IsMonthly ? keys.MonthEnd : entry.IsWindowed ? keys.WindowEnd : null;
            charges[i] = new CounterCharge(keys.Keys[i], entry.Kind, entry.Scope, entry.ScopeId, entry.ScopeName, entry.Limit, amount, periodEnd);
        }

        return new AdmissionPlan(ImmutableCollectionsMarshal.AsImmutableArray(charges), tokens, usd);
    }

    /// <summary>
    /// The worst-case cost of <paramref name="usage"/> on <paramref name="route"/>: the most expensive of its priced
    /// targets (fallback may land on any of them). Zero when none is priced.
    /// </summary>
    public static decimal WorstCaseUsd(RouteEntry route, PriceTable prices, string logicalModel, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(prices);
        var worst = 0m;
        foreach (var target in route.Targets)
        {
            if (prices.Find(target.UpstreamModel, logicalModel) is { } price)
            {
                worst = Math.Max(worst, PriceTable.Cost(price, usage));
            }
        }

        return worst;
    }

    /// <summary>The counter-key segment of a scope, e.g. <c>consumer:0f1e…</c>.</summary>
    public static string ScopeKey(PolicyScope scope, Guid id) => ScopeLabel(scope) + ":" + id.ToString("N");

    /// <summary>The wire name of a scope kind: <c>org</c>, <c>project</c>, <c>group</c>, <c>consumer</c>.</summary>
    public static string ScopeLabel(PolicyScope scope) => scope switch
    {
        PolicyScope.Organization => "org",
        PolicyScope.Project => "project",
        PolicyScope.Group => "group",
        _ => "consumer",
    };

    /// <summary>Parses a wire scope label (<see cref="ScopeLabel"/>); false when unknown.</summary>
    public static bool TryParseScopeLabel(string? label, out PolicyScope scope)
    {
        switch (label)
        {
            case "org":
                scope = PolicyScope.Organization;
                return true;
            case "project":
                scope = PolicyScope.Project;
                return true;
            case "group":
                scope = PolicyScope.Group;
                return true;
            case "consumer":
                scope = PolicyScope.Consumer;
                return true;
            default:
                scope = default;
                return false;
        }
    }

    /// <summary>The scope as an error message names it, e.g. <c>consumer acme.payments.svc</c>.</summary>
    public static string ScopeName(ConsumerEntry consumer, PolicyScope scope, Guid id)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        var project = consumer.Project;
        switch (scope)
        {
            case PolicyScope.Organization:
                return "organization " + project.OrganizationSlug;
            case PolicyScope.Project:
                return "project " + project.OrganizationSlug + "." + project.Slug;
            case PolicyScope.Group:
                foreach (var group in consumer.Groups)
                {
                    if (group.Id == id)
                    {
                        return "group " + project.OrganizationSlug + "." + group.Slug;
                    }
                }

                return "group " + id.ToString("N");
            default:
                return "consumer " + consumer.QualifiedName;
        }
    }

    private static bool HasAny(ProjectSettings settings, ConsumerEntry consumer)
    {
        if (settings.OrganizationBudget is not null || settings.ProjectBudget is not null || settings.OrganizationLimit is not null
            || settings.ProjectLimit is not null || settings.ConsumerBudgets.ContainsKey(consumer.Id) || settings.ConsumerLimits.ContainsKey(consumer.Id))
        {
            return true;
        }

        foreach (var group in consumer.Groups)
        {
            if (group.Budget is not null || group.Limit is not null)
            {
                return true;
            }
        }

        return false;
    }
}
