using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;
using Route = Warden.Storage.Entities.Route;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>One target of a route: a provider of the same project and the model id sent to it.</summary>
public sealed record RouteTargetRequest(string Provider, string UpstreamModel, int Weight = 1, int TimeoutMs = 60_000);

/// <summary>
/// A new route. <c>maxAttempts</c> (1-5) defaults to 1 for <c>single</c> and to the number of targets (at most 5)
/// otherwise.
/// </summary>
public sealed record CreateRouteRequest(string LogicalModel, RouteStrategy Strategy, List<RouteTargetRequest> Targets, int? MaxAttempts = null, int BackoffMs = 100);

/// <summary>The whole new definition of an existing route (re-pointing it); <c>logicalModel</c>, if given, must match the URL.</summary>
public sealed record ReplaceRouteRequest(RouteStrategy Strategy, List<RouteTargetRequest> Targets, int? MaxAttempts = null, int BackoffMs = 100, string? LogicalModel = null);

/// <summary>A route target as the API shows it.</summary>
public sealed record RouteTargetView(string Provider, string UpstreamModel, int Weight, int TimeoutMs);

/// <summary>A route as the API shows it; targets in order.</summary>
public sealed record RouteView(Guid Id, string LogicalModel, RouteStrategy Strategy, int MaxAttempts, int BackoffMs, IReadOnlyList<RouteTargetView> Targets,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary><c>/api/orgs/{org}/projects/{project}/routes</c>: logical models and their targets.</summary>
public static partial class RouteEndpoints
{
    /// <summary>Most targets one route may have.</summary>
    public const int MaxTargets = 16;

    public static RouteGroupBuilder MapRouteEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var routes = api.MapGroup("/orgs/{org}/projects/{project}/routes").WithTags("Routes");
        routes.MapGet("/", ListAsync).Produces<Page<RouteView>>();
        routes.MapPost("/", CreateAsync).AcceptsJson<CreateRouteRequest>().Produces<RouteView>(StatusCodes.Status201Created);
        routes.MapGet("/{logicalModel}", GetAsync).Produces<RouteView>();
        routes.MapPut("/{logicalModel}", ReplaceAsync).AcceptsJson<ReplaceRouteRequest>().Produces<RouteView>();
        routes.MapDelete("/{logicalModel}", DeleteAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static string Target(string org, string project, string logicalModel) => Targets.InProject("route", org, project, logicalModel);

    private static RouteView View(Route route, IReadOnlyDictionary<Guid, string> providerNames) => new(
        route.Id, route.LogicalModel, route.Strategy, route.MaxAttempts, route.BackoffMs,
        [.. route.Targets.OrderBy(t => t.Order).Select(t => new RouteTargetView(providerNames[t.ProviderId], t.UpstreamModel, t.Weight, t.TimeoutMs))],
        route.CreatedAt, route.UpdatedAt);

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "route.list", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var names = await ProviderNamesAsync(admin, entity, ct);
        return Results.Ok(await admin.Db.Routes.AsNoTracking().Include(r => r.Targets).Where(r => r.ProjectId == entity.Id)
            .OrderBy(r => r.LogicalModel).ToPageAsync(request, r => View(r, names), ct));
    }

    private static async Task<IResult> CreateAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "route.create", Targets.Project(org, project), ct);
        var body = await AdminJson.ReadAsync<CreateRouteRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var validation = new Validation();
        LogicalModelName(validation, "logicalModel", body.LogicalModel);
        var providers = await ProviderIdsAsync(admin, entity, ct);
        var maxAttempts = ValidateDefinition(validation, body.Strategy, body.Targets, body.MaxAttempts, body.BackoffMs, providers);
        validation.ThrowIfInvalid();
        if (await admin.Db.Routes.AnyAsync(r => r.ProjectId == entity.Id && r.LogicalModel == body.LogicalModel, ct))
        {
            throw new AdminConflictException($"Route '{body.LogicalModel}' already exists in project '{project}'.");
        }

        var route = new Route
        {
            ProjectId = entity.Id,
            LogicalModel = body.LogicalModel,
            Strategy = body.Strategy,
            MaxAttempts = maxAttempts,
            BackoffMs = body.BackoffMs,
            CreatedAt = admin.Now,
            UpdatedAt = admin.Now,
        };
        AddTargets(admin, route, body.Targets, providers);
        admin.Db.Routes.Add(route);
        admin.Changed(ConfigEntityKinds.Route, route.Id, ConfigOperation.Created);
        await admin.CommitAsync("route.create", org, Target(org, project, route.LogicalModel), StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/projects/{project}/routes/{Uri.EscapeDataString(route.LogicalModel)}", View(route, Invert(providers)));
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string project, string logicalModel, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "route.read", Target(org, project, logicalModel), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var route = await FindAsync(admin, entity, logicalModel, ct);
        return Results.Ok(View(route, await ProviderNamesAsync(admin, entity, ct)));
    }

    private static async Task<IResult> ReplaceAsync(AdminContext admin, HttpRequest request, string org, string project, string logicalModel, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "route.update", Target(org, project, logicalModel), ct);
        var body = await AdminJson.ReadAsync<ReplaceRouteRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var route = await FindAsync(admin, entity, logicalModel, ct);
        var validation = new Validation();
        if (body.LogicalModel is not null && body.LogicalModel != logicalModel)
        {
            validation.Add("logicalModel", "must match the route in the URL (a route cannot be renamed; create a new one).");
        }

        var providers = await ProviderIdsAsync(admin, entity, ct);
        var maxAttempts = ValidateDefinition(validation, body.Strategy, body.Targets, body.MaxAttempts, body.BackoffMs, providers);
        validation.ThrowIfInvalid();

        admin.Db.RouteTargets.RemoveRange(route.Targets);
        route.Targets.Clear();
        route.Strategy = body.Strategy;
        route.MaxAttempts = maxAttempts;
        route.BackoffMs = body.BackoffMs;
        route.UpdatedAt = admin.Now;
        AddTargets(admin, route, body.Targets, providers);
        admin.Changed(ConfigEntityKinds.Route, route.Id, ConfigOperation.Updated);
        await admin.CommitAsync("route.update", org, Target(org, project, logicalModel), StatusCodes.Status200OK, ct);
        return Results.Ok(View(route, Invert(providers)));
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string org, string project, string logicalModel, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "route.delete", Target(org, project, logicalModel), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var route = await FindAsync(admin, entity, logicalModel, ct);
        admin.Db.Routes.Remove(route);
        admin.Changed(ConfigEntityKinds.Route, route.Id, ConfigOperation.Deleted);
        await admin.CommitAsync("route.delete", org, Target(org, project, logicalModel), StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    /// <summary>Checks strategy, targets, attempts and backoff; returns the effective <c>maxAttempts</c>.</summary>
    private static int ValidateDefinition(Validation validation, RouteStrategy strategy, List<RouteTargetRequest>? targets, int? maxAttempts, int backoffMs,
        Dictionary<string, Guid> providers)
    {
        targets ??= [];
        if (targets.Count == 0)
        {
            validation.Add("targets", "must have at least one target.");
        }
        else if (strategy == RouteStrategy.Single && targets.Count != 1)
        {
            validation.Add("targets", "must have exactly one target for the 'single' strategy.");
        }
        else if (targets.Count > MaxTargets)
        {
            validation.Add("targets", $"must have at most {MaxTargets} targets.");
        }

        for (var i = 0; i < targets.Count; i++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"targets[{i}]");
            if (targets[i] is not { } target)
            {
                validation.Add(prefix, "must be an object.");
                continue;
            }

            if (string.IsNullOrEmpty(target.Provider))
            {
                validation.Add(prefix + ".provider", "is required.");
            }
            else if (!providers.ContainsKey(target.Provider))
            {
                validation.Add(prefix + ".provider", $"'{target.Provider}' is not a provider of this project.");
            }

            validation.Required(prefix + ".upstreamModel", target.UpstreamModel);
            if (target.UpstreamModel is { Length: > 0 } model && model.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                validation.Add(prefix + ".upstreamModel", "must not contain whitespace or control characters.");
            }

            if (strategy == RouteStrategy.Weighted && target.Weight <= 0)
            {
                validation.Add(prefix + ".weight", "must be greater than 0 for the 'weighted' strategy.");
            }
            else
            {
                validation.Range(prefix + ".weight", target.Weight, 0, 10_000);
            }

            validation.Range(prefix + ".timeoutMs", target.TimeoutMs, 100, 600_000);
        }

        validation.Range("maxAttempts", maxAttempts, 1, 5).Range("backoffMs", backoffMs, 0, 60_000);
        return maxAttempts ?? (strategy == RouteStrategy.Single ? 1 : Math.Clamp(targets.Count, 1, 5));
    }

    private static void AddTargets(AdminContext admin, Route route, List<RouteTargetRequest> targets, Dictionary<string, Guid> providers)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            var target = new RouteTarget
            {
                RouteId = route.Id,
                ProviderId = providers[targets[i].Provider],
                UpstreamModel = targets[i].UpstreamModel.Trim(),
                Order = i,
                Weight = targets[i].Weight,
                TimeoutMs = targets[i].TimeoutMs,
            };
            route.Targets.Add(target);
            admin.Db.RouteTargets.Add(target);
        }
    }

    /// <summary>A logical model name: what clients send in <c>model</c> and one URL segment.</summary>
    private static void LogicalModelName(Validation validation, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            validation.Add(field, "is required.");
        }
        else if (!LogicalModelPattern().IsMatch(value))
        {
            validation.Add(field, "must be 1-200 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.");
        }
    }

    private static async Task<Route> FindAsync(AdminContext admin, Project project, string logicalModel, CancellationToken ct) =>
        await admin.Db.Routes.Include(r => r.Targets).SingleOrDefaultAsync(r => r.ProjectId == project.Id && r.LogicalModel == logicalModel, ct)
            ?? throw new AdminNotFoundException($"Route '{logicalModel}' does not exist in project '{project.Slug}'.");

    private static async Task<Dictionary<string, Guid>> ProviderIdsAsync(AdminContext admin, Project project, CancellationToken ct) =>
        await admin.Db.Providers.AsNoTracking().Where(p => p.ProjectId == project.Id).ToDictionaryAsync(p => p.Name, p => p.Id, StringComparer.Ordinal, ct);

    private static async Task<IReadOnlyDictionary<Guid, string>> ProviderNamesAsync(AdminContext admin, Project project, CancellationToken ct) =>
        Invert(await ProviderIdsAsync(admin, project, ct));

    private static Dictionary<Guid, string> Invert(IReadOnlyDictionary<string, Guid> ids) => ids.ToDictionary(p => p.Value, p => p.Key);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex LogicalModelPattern();
}
