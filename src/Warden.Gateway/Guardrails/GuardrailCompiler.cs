using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Warden.Core.Diagnostics;
using Warden.Core.Guardrails;
using Warden.Core.Snapshots;

namespace Warden.Gateway.Guardrails;

/// <summary>
/// Compiles projects' guardrail settings into <see cref="CompiledGuardrails"/> and keeps them beside the project
/// entries they belong to (a project entry is immutable and reused by later snapshots while unchanged). A project
/// without its own PII rules inherits the platform default; when that changes, the project is compiled again.
/// </summary>
public sealed partial class GuardrailCompiler
{
    /// <summary>The match timeout of a pattern that cannot run non-backtracking (what the control plane validates with).</summary>
    public static readonly TimeSpan BacktrackingTimeout = TimeSpan.FromMilliseconds(100);

    private const RegexOptions CuratedOptions = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private readonly ConditionalWeakTable<ProjectEntry, CompiledGuardrails> _compiled = [];
    private readonly ConcurrentDictionary<string, CompiledPattern> _curated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Id, string Pattern), CompiledPattern> _custom = new();
    private readonly ConcurrentDictionary<uint, PiiScanner> _scanners = new();
    private readonly ConcurrentDictionary<(RegexOptions Options, string Patterns), Regex?> _screens = new();
    private readonly ILogger<GuardrailCompiler> _logger;

    /// <summary>Creates the compiler.</summary>
    public GuardrailCompiler(ILogger<GuardrailCompiler> logger) => _logger = logger;

    /// <summary>Compiles every project of <paramref name="snapshot"/> that is not compiled yet (call after applying it).</summary>
    public void Prepare(ConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        foreach (var project in snapshot.Config.Projects.Values)
        {
            _ = For(project, snapshot.Config);
        }
    }

    /// <summary>The compiled guardrails of <paramref name="project"/> under <paramref name="config"/>.</summary>
    internal CompiledGuardrails For(ProjectEntry project, ConfigPart config)
    {
        var settings = project.Settings.Guardrails;
        var inherits = settings?.PiiRules is null;
        if (_compiled.TryGetValue(project, out var compiled) && (!inherits || ReferenceEquals(compiled.PlatformRules, config.PlatformPiiRules)))
        {
            return compiled;
        }

        compiled = Compile(project, settings, inherits ? config.PlatformPiiRules : settings!.PiiRules, config.PlatformPiiRules);
        _compiled.AddOrUpdate(project, compiled);
        return compiled;
    }

    private CompiledGuardrails Compile(ProjectEntry project, GuardrailSettings? settings, FrozenDictionary<string, PiiRuleAction>? rules, FrozenDictionary<string, PiiRuleAction>? platformRules)
    {
        uint kinds = 0;
        uint block = 0;
        foreach (var (name, action) in rules ?? FrozenDictionary<string, PiiRuleAction>.Empty)
        {
            if (!PiiKinds.TryParse(name, out var kind))
            {
                LogUnknownPiiKind(_logger, project.OrganizationSlug, project.Slug, name);
                continue;
            }

            kinds |= 1u << (int)kind;
            if (action == PiiRuleAction.Block)
            {
                block |= 1u << (int)kind;
            }
        }

        var patterns = ImmutableArray.CreateBuilder<CompiledPattern>();
        if (settings is not null)
        {
            foreach (var id in settings.CuratedPatternIds)
            {
                if (Curated(id) is { } pattern)
                {
                    patterns.Add(pattern);
                }
                else
                {
                    LogUnknownCuratedPattern(_logger, project.OrganizationSlug, project.Slug, id);
                }
            }

            foreach (var custom in settings.CustomPatterns)
            {
                if (Custom(custom) is { } pattern)
                {
                    patterns.Add(pattern);
                }
                else
                {
                    LogInvalidCustomPattern(_logger, project.OrganizationSlug, project.Slug, custom.Id);
                }
            }
        }

        var scanner = kinds == 0 ? null : _scanners.GetOrAdd(kinds, static k => new PiiScanner(KindsOf(k)));
        var compiled = patterns.DrainToImmutable();
        return new CompiledGuardrails(scanner, block, compiled, Group(compiled), platformRules);
    }

    // Non-backtracking patterns with the same options become one alternation (one pass over the text instead of one
    // per pattern), as many per alternation as the engine's automaton limit allows; a backtracking pattern keeps its
    // own regex and timeout.
    private ImmutableArray<PatternGroup> Group(ImmutableArray<CompiledPattern> patterns)
    {
        var groups = ImmutableArray.CreateBuilder<PatternGroup>();
        foreach (var members in patterns.Where(p => p.NonBacktracking).GroupBy(p => p.Regex.Options))
        {
            var pending = new List<CompiledPattern>();
            Regex? screen = null;
            foreach (var pattern in members)
            {
                if (pending.Count == 0)
                {
                    pending.Add(pattern);
                    screen = pattern.Regex;
                    continue;
                }

                if (Screen(members.Key, [.. pending, pattern]) is { } wider)
                {
                    pending.Add(pattern);
                    screen = wider;
                    continue;
                }

                groups.Add(new PatternGroup(screen!, [.. pending]));
                pending = [pattern];
                screen = pattern.Regex;
            }

            if (pending.Count > 0)
            {
                groups.Add(new PatternGroup(screen!, [.. pending]));
            }
        }

        foreach (var pattern in patterns.Where(p => !p.NonBacktracking))
        {
            groups.Add(new PatternGroup(pattern.Regex, [pattern]));
        }

        return groups.DrainToImmutable();
    }

    // The alternation of the patterns, or null when the engine refuses it (its automaton would be too large).
    private Regex? Screen(RegexOptions options, List<CompiledPattern> patterns)
    {
        var key = (options, string.Join("\n", patterns.Select(p => p.Regex.ToString())));
        if (_screens.TryGetValue(key, out var screen))
        {
            return screen;
        }

        try
        {
            screen = new Regex(string.Join("|", patterns.Select(p => "(?:" + p.Regex + ")")), options);
        }
        catch (NotSupportedException)
        {
            screen = null;
        }

        return _screens.GetOrAdd(key, screen);
    }

    private static IEnumerable<PiiKind> KindsOf(uint bits)
    {
        foreach (var kind in Enum.GetValues<PiiKind>())
        {
            if ((bits & (1u << (int)kind)) != 0)
            {
                yield return kind;
            }
        }
    }

    private CompiledPattern? Curated(string id) =>
        _curated.TryGetValue(id, out var compiled) ? compiled
        : InjectionPatternLibrary.TryGet(id, out var entry) ? _curated.GetOrAdd(id, new CompiledPattern(id, new Regex(entry.Pattern, CuratedOptions), true))
        : null;

    private CompiledPattern? Custom(InjectionPatternEntry entry)
    {
        if (_custom.TryGetValue((entry.Id, entry.Pattern), out var compiled))
        {
            return compiled;
        }

        Regex regex;
        var nonBacktracking = true;
        try
        {
            regex = new Regex(entry.Pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            // Backreferences, lookarounds, atomic groups: run backtracking, bounded by the timeout.
            nonBacktracking = false;
            try
            {
                regex = new Regex(entry.Pattern, RegexOptions.CultureInvariant, BacktrackingTimeout);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
        catch (ArgumentException)
        {
            return null;
        }

        return _custom.GetOrAdd((entry.Id, entry.Pattern), new CompiledPattern(entry.Id, regex, nonBacktracking));
    }

    [LoggerMessage(EventId = WardenEventIds.GuardrailUnknownPiiKind, Level = LogLevel.Warning, Message = "Project {Organization}/{Project}: PII rule for unknown kind '{Kind}' ignored")]
    private static partial void LogUnknownPiiKind(ILogger logger, string organization, string project, string kind);

    [LoggerMessage(EventId = WardenEventIds.GuardrailUnknownCuratedPattern, Level = LogLevel.Warning, Message = "Project {Organization}/{Project}: curated pattern '{PatternId}' is not in this gateway's library and is ignored")]
    private static partial void LogUnknownCuratedPattern(ILogger logger, string organization, string project, string patternId);

    [LoggerMessage(EventId = WardenEventIds.GuardrailInvalidCustomPattern, Level = LogLevel.Warning, Message = "Project {Organization}/{Project}: custom pattern '{PatternId}' does not compile and is ignored")]
    private static partial void LogInvalidCustomPattern(ILogger logger, string organization, string project, string patternId);
}
