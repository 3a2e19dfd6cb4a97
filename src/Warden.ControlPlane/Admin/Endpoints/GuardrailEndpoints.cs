using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Guardrails;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A project's own prompt-injection regex; <c>id</c> is what blocks cite.</summary>
public sealed record CustomPattern(string Id, string Pattern);

/// <summary>
/// A project's guardrails, replaced as a whole. <c>piiRules</c> maps a PII kind to <c>mask</c> or <c>block</c>; null
/// (or omitted) inherits the platform default.
/// </summary>
public sealed record GuardrailsRequest(List<string>? CuratedPatternIds = null, List<CustomPattern>? CustomPatterns = null, Dictionary<string, PiiAction>? PiiRules = null);

/// <summary>
/// A project's custom regex as saved, and whether it can run with <c>RegexOptions.NonBacktracking</c> (linear time);
/// when it cannot (backreferences, lookarounds, atomic groups …) the gateway runs it backtracking with a match timeout.
/// </summary>
public sealed record CustomPatternView(string Id, string Pattern, bool NonBacktracking);

/// <summary>A project's guardrails; <c>isDefault</c> when never set (then <c>updatedAt</c> is null).</summary>
public sealed record GuardrailsView(IReadOnlyList<string> CuratedPatternIds, IReadOnlyList<CustomPatternView> CustomPatterns, IReadOnlyDictionary<string, PiiAction>? PiiRules,
    bool IsDefault, DateTimeOffset? UpdatedAt);

/// <summary>One entry of the curated prompt-injection library.</summary>
public sealed record InjectionPatternView(string Id, string Category, string Description, string Pattern);

/// <summary>The curated prompt-injection library and the PII kinds rules may name.</summary>
public sealed record GuardrailLibraryView(IReadOnlyList<InjectionPatternView> Patterns, IReadOnlyList<string> PiiKinds);

/// <summary>
/// <c>/api/orgs/{org}/projects/{project}/guardrails</c>: prompt-injection patterns and PII rules;
/// <c>/api/guardrails/library</c>: the curated library (any admin); <c>/api/platform/guardrails/pii-default</c>: the
/// platform PII default (see <see cref="PlatformPiiDefaultEndpoints"/>).
/// </summary>
public static partial class GuardrailEndpoints
{
    /// <summary>PII kinds a rule may name (<see cref="Core.Guardrails.PiiKinds.Names"/>).</summary>
    public static readonly FrozenSet<string> PiiKinds = FrozenSet.ToFrozenSet(Core.Guardrails.PiiKinds.Names, StringComparer.Ordinal);

    /// <summary>Most curated or custom patterns per project.</summary>
    public const int MaxPatterns = 100;

    /// <summary>Longest custom regex.</summary>
    public const int MaxPatternLength = 2000;

    /// <summary>The match timeout a custom regex must compile with (what the gateway runs it with).</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public static RouteGroupBuilder MapGuardrailEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var guardrails = api.MapGroup("/orgs/{org}/projects/{project}/guardrails").WithTags("Guardrails");
        guardrails.MapGet("/", GetAsync).Produces<GuardrailsView>();
        guardrails.MapPut("/", ReplaceAsync).AcceptsJson<GuardrailsRequest>().Produces<GuardrailsView>();
        api.MapGet("/guardrails/library", Library).WithTags("Guardrails").Produces<GuardrailLibraryView>();
        api.MapPlatformPiiDefaultEndpoints();
        return api;
    }

    private static string Target(string org, string project) => $"guardrails:{org}/{project}";

    private static GuardrailsView View(GuardrailConfig? c) => c is null
        ? new GuardrailsView([], [], null, true, null)
        : new GuardrailsView(c.CuratedPatternIds, [.. c.CustomPatterns.Select(p => new CustomPatternView(p.Id, p.Pattern, RunsNonBacktracking(p.Pattern)))], c.PiiRules, false, c.UpdatedAt);

    /// <summary>Any admin (org or platform) may read the library; members have no use for it.</summary>
    internal static void RequireAnyAdmin(AdminContext admin, string action)
    {
        if (admin.Principal.HighestRole == AccessTokenRole.Member)
        {
            throw new AdminDeniedException(action, null, null, $"'{action}' requires the org_admin or platform admin role.");
        }
    }

    private static IResult Library(AdminContext admin)
    {
        RequireAnyAdmin(admin, "guardrails.library.read");
        return Results.Ok(new GuardrailLibraryView(
            [.. InjectionPatternLibrary.All.Select(p => new InjectionPatternView(p.Id, p.Category, p.Description, p.Pattern))],
            Core.Guardrails.PiiKinds.Names));
    }

    /// <summary>
    /// Whether <paramref name="pattern"/> compiles with <see cref="RegexOptions.NonBacktracking"/> (the gateway then runs
    /// it in linear time); constructs that engine lacks make it fall back to backtracking with <see cref="MatchTimeout"/>.
    /// </summary>
    internal static bool RunsNonBacktracking(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "guardrails.read", Target(org, project), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        return Results.Ok(View(await admin.Db.GuardrailConfigs.AsNoTracking().SingleOrDefaultAsync(g => g.ProjectId == entity.Id, ct)));
    }

    private static async Task<IResult> ReplaceAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "guardrails.update", Target(org, project), ct);
        var body = await AdminJson.ReadAsync<GuardrailsRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        Validate(body);

        var config = await admin.Db.GuardrailConfigs.SingleOrDefaultAsync(g => g.ProjectId == entity.Id, ct);
        var created = config is null;
        if (config is null)
        {
            config = new GuardrailConfig { ProjectId = entity.Id };
            admin.Db.GuardrailConfigs.Add(config);
        }

        config.CuratedPatternIds = [.. body.CuratedPatternIds ?? []];
        config.CustomPatterns = [.. (body.CustomPatterns ?? []).Select(p => new CustomInjectionPattern(p.Id, p.Pattern))];
        config.PiiRules = body.PiiRules is null ? null : new Dictionary<string, PiiAction>(body.PiiRules, StringComparer.Ordinal);
        config.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.Guardrails, entity.Id, created ? ConfigOperation.Created : ConfigOperation.Updated);
        await admin.CommitAsync("guardrails.update", org, Target(org, project), StatusCodes.Status200OK, ct);
        return Results.Ok(View(config));
    }

    private static void Validate(GuardrailsRequest body)
    {
        var validation = new Validation();
        var curated = body.CuratedPatternIds ?? [];
        if (curated.Count > MaxPatterns)
        {
            validation.Add("curatedPatternIds", $"must have at most {MaxPatterns} entries.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < curated.Count; i++)
        {
            var field = Indexed("curatedPatternIds", i);
            if (curated[i] is not { } id || !RuleId().IsMatch(id))
            {
                validation.Add(field, "must be a pattern id: 1-100 lower-case letters, digits, '.', '_' or '-'.");
            }
            else if (!seen.Add(id))
            {
                validation.Add(field, $"repeats '{id}'.");
            }
            else if (!InjectionPatternLibrary.TryGet(id, out _))
            {
                validation.Add(field, $"'{id}' is not in the curated library (GET /api/guardrails/library lists it).");
            }
        }

        var custom = body.CustomPatterns ?? [];
        if (custom.Count > MaxPatterns)
        {
            validation.Add("customPatterns", $"must have at most {MaxPatterns} entries.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < custom.Count; i++)
        {
            var field = Indexed("customPatterns", i);
            if (custom[i] is not { } pattern)
            {
                validation.Add(field, "must be an object with id and pattern.");
                continue;
            }

            if (pattern.Id is null || !RuleId().IsMatch(pattern.Id))
            {
                validation.Add(field + ".id", "must be 1-100 lower-case letters, digits, '.', '_' or '-'.");
            }
            else if (!ids.Add(pattern.Id))
            {
                validation.Add(field + ".id", $"repeats '{pattern.Id}'; ids must be unique within the project.");
            }

            if (string.IsNullOrEmpty(pattern.Pattern) || pattern.Pattern.Length > MaxPatternLength)
            {
                validation.Add(field + ".pattern", $"must be a regular expression of 1-{MaxPatternLength} characters.");
            }
            else if (CompileError(pattern.Pattern) is { } error)
            {
                validation.Add(field + ".pattern", "is not a valid regular expression: " + error);
            }
        }

        ValidatePiiKinds(validation, body.PiiRules);
        validation.ThrowIfInvalid();
    }

    /// <summary>Every key of <paramref name="rules"/> must be a PII kind (the actions were checked when the JSON was read).</summary>
    internal static void ValidatePiiKinds(Validation validation, Dictionary<string, PiiAction>? rules)
    {
        foreach (var kind in rules?.Keys ?? Enumerable.Empty<string>())
        {
            if (!PiiKinds.Contains(kind))
            {
                validation.Add($"piiRules.{kind}", $"is not a PII kind; known kinds: {string.Join(", ", Core.Guardrails.PiiKinds.Names)}.");
            }
        }
    }

    private static string? CompileError(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, MatchTimeout);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    private static string Indexed(string field, int index) => string.Create(CultureInfo.InvariantCulture, $"{field}[{index}]");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex RuleId();
}
