using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Warden.Core.Snapshots;

namespace Warden.Core.Budgets;

/// <summary>
/// The request-independent part of a consumer's admission plan: which counters apply, their scope names, limits and
/// key stems. Built once per consumer entry of a snapshot (and key prefix) and reused by every request, so planning a
/// request allocates only its period-qualified keys (cached per minute) and its charge array. A new snapshot brings
/// new entries, so a changed budget, limit or group never meets a stale template.
/// </summary>
internal sealed class ChargeTemplate
{
    private static readonly ConditionalWeakTable<ConsumerEntry, ChargeTemplate> s_templates = [];

    private readonly ProjectSettings _settings;
    private readonly ImmutableArray<GroupEntry> _groups;
    private readonly string _keyPrefix;
    private PeriodKeys? _keys;

    private ChargeTemplate(ConsumerEntry consumer, string keyPrefix)
    {
        _settings = consumer.Project.Settings;
        _groups = consumer.Groups;
        _keyPrefix = keyPrefix;
        var entries = new List<Entry>();
        var stems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var budget in _settings.BudgetsFor(consumer))
        {
            var stem = keyPrefix + "b:" + AdmissionPlanner.ScopeKey(budget.Scope, budget.ScopeId) + ":";
            if (stems.Add(stem))
            {
                entries.Add(new Entry(stem, Period.Month, CounterKind.BudgetUsd, budget.Scope, budget.ScopeId,
                    AdmissionPlanner.ScopeName(consumer, budget.Scope, budget.ScopeId), UsdUnits.ToNano(budget.MonthlyUsd)));
            }
        }

        foreach (var limit in _settings.LimitsFor(consumer))
        {
            var scope = AdmissionPlanner.ScopeKey(limit.Scope, limit.ScopeId);
            var name = AdmissionPlanner.ScopeName(consumer, limit.Scope, limit.ScopeId);
            if (stems.Add(keyPrefix + "tpm:" + scope + ":"))
            {
                entries.Add(new Entry(keyPrefix + "tpm:" + scope + ":", Period.Window, CounterKind.TokensPerMinute, limit.Scope, limit.ScopeId, name, limit.TokensPerMinute));
            }

            if (limit.RequestsPerMinute is { } rpm && stems.Add(keyPrefix + "rpm:" + scope + ":"))
            {
                entries.Add(new Entry(keyPrefix + "rpm:" + scope + ":", Period.Window, CounterKind.RequestsPerMinute, limit.Scope, limit.ScopeId, name, rpm));
            }

            if (limit.MaxConcurrent is { } max && stems.Add(keyPrefix + "cc:" + scope))
            {
                entries.Add(new Entry(keyPrefix + "cc:" + scope, Period.None, CounterKind.Concurrency, limit.Scope, limit.ScopeId, name, max));
            }
        }

        Entries = [.. entries];
    }

    /// <summary>Which period a counter key carries.</summary>
    internal enum Period
    {
        None,
        Month,
        Window,
    }

    /// <summary>The counters, widest scope first (budgets, then limits).</summary>
    public ImmutableArray<Entry> Entries { get; }

    /// <summary>The template of <paramref name="consumer"/> under <paramref name="keyPrefix"/>.</summary>
    public static ChargeTemplate For(ConsumerEntry consumer, string keyPrefix)
    {
        if (s_templates.TryGetValue(consumer, out var template) && template.Matches(consumer, keyPrefix))
        {
            return template;
        }

        template = new ChargeTemplate(consumer, keyPrefix);
        s_templates.AddOrUpdate(consumer, template);
        return template;
    }

    /// <summary>The full counter keys for the period containing <paramref name="now"/>, in <see cref="Entries"/> order.</summary>
    public PeriodKeys KeysAt(DateTimeOffset now)
    {
        var window = BudgetPeriods.WindowStart(now);
        var keys = _keys;
        if (keys is not null && keys.WindowStart == window)
        {
            return keys;
        }

        var month = BudgetPeriods.MonthKey(now);
        var windowKey = BudgetPeriods.WindowKey(now);
        var full = new string[Entries.Length];
        for (var i = 0; i < full.Length; i++)
        {
            full[i] = Entries[i].PeriodKind switch
            {
                Period.Month => Entries[i].Stem + month,
                Period.Window => Entries[i].Stem + windowKey,
                _ => Entries[i].Stem,
            };
        }

        keys = new PeriodKeys(window, full, BudgetPeriods.MonthEnd(now), BudgetPeriods.WindowEnd(now));
        _keys = keys;
        return keys;
    }

    private bool Matches(ConsumerEntry consumer, string keyPrefix) =>
        ReferenceEquals(_settings, consumer.Project.Settings) && _groups == consumer.Groups && string.Equals(_keyPrefix, keyPrefix, StringComparison.Ordinal);

    /// <summary>One counter of the template.</summary>
    internal readonly record struct Entry(string Stem, Period PeriodKind, CounterKind Kind, PolicyScope Scope, Guid ScopeId, string ScopeName, long Limit)
    {
        public bool IsMonthly => PeriodKind == Period.Month;

        public bool IsWindowed => PeriodKind == Period.Window;
    }

    /// <summary>Full keys and period ends for one minute window.</summary>
    internal sealed record PeriodKeys(DateTimeOffset WindowStart, string[] Keys, DateTimeOffset MonthEnd, DateTimeOffset WindowEnd);
}
