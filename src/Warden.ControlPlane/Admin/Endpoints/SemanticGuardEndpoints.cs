using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A project's semantic prompt guard, replaced as a whole.</summary>
public sealed record SemanticGuardRequest(bool Enabled, double Threshold = SemanticGuardEndpoints.DefaultThreshold, List<string>? DenyExamples = null, List<string>? AllowExamples = null);

/// <summary>A project's semantic prompt guard; <c>isDefault</c> when never set.</summary>
public sealed record SemanticGuardView(bool Enabled, double Threshold, IReadOnlyList<string> DenyExamples, IReadOnlyList<string> AllowExamples, bool IsDefault, DateTimeOffset? UpdatedAt);

/// <summary><c>/api/orgs/{org}/projects/{project}/semantic-guard</c>: block requests close to deny examples (off by default).</summary>
public static class SemanticGuardEndpoints
{
    /// <summary>Similarity above which a request counts as close to a deny example, when none is set.</summary>
    public const double DefaultThreshold = 0.85;

    /// <summary>Most examples per list (each is embedded at reconcile time).</summary>
    public const int MaxExamples = 200;

    /// <summary>Longest example.</summary>
    public const int MaxExampleLength = 4000;

    public static RouteGroupBuilder MapSemanticGuardEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var guard = api.MapGroup("/orgs/{org}/projects/{project}/semantic-guard").WithTags("Semantic guard");
        guard.MapGet("/", GetAsync).Produces<SemanticGuardView>();
        guard.MapPut("/", ReplaceAsync).AcceptsJson<SemanticGuardRequest>().Produces<SemanticGuardView>();
        return api;
    }

    private static string Target(string org, string project) => $"semantic-guard:{org}/{project}";

    private static SemanticGuardView View(SemanticGuardConfig? c) => c is null
        ? new SemanticGuardView(false, DefaultThreshold, [], [], true, null)
        : new SemanticGuardView(c.Enabled, c.Threshold, c.DenyExamples, c.AllowExamples, false, c.UpdatedAt);

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "semantic-guard.read", Target(org, project), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        return Results.Ok(View(await admin.Db.SemanticGuardConfigs.AsNoTracking().SingleOrDefaultAsync(c => c.ProjectId == entity.Id, ct)));
    }

    private static async Task<IResult> ReplaceAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "semantic-guard.update", Target(org, project), ct);
        var body = await AdminJson.ReadAsync<SemanticGuardRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var validation = new Validation();
        if (!(body.Threshold is >= 0 and <= 1))
        {
            validation.Add("threshold", "must be between 0 and 1.");
        }

        var deny = Examples(validation, "denyExamples", body.DenyExamples);
        var allow = Examples(validation, "allowExamples", body.AllowExamples);
        if (body.Enabled && deny.Count == 0)
        {
            validation.Add("denyExamples", "must have at least one example while the guard is enabled.");
        }

        validation.ThrowIfInvalid();
        var config = await admin.Db.SemanticGuardConfigs.SingleOrDefaultAsync(c => c.ProjectId == entity.Id, ct);
        var created = config is null;
        if (config is null)
        {
            config = new SemanticGuardConfig { ProjectId = entity.Id };
            admin.Db.SemanticGuardConfigs.Add(config);
        }

        config.Enabled = body.Enabled;
        config.Threshold = body.Threshold;
        config.DenyExamples = deny;
        config.AllowExamples = allow;
        config.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.SemanticGuard, entity.Id, created ? ConfigOperation.Created : ConfigOperation.Updated);
        await admin.CommitAsync("semantic-guard.update", org, Target(org, project), StatusCodes.Status200OK, ct);
        return Results.Ok(View(config));
    }

    private static List<string> Examples(Validation validation, string field, List<string>? examples)
    {
        examples ??= [];
        if (examples.Count > MaxExamples)
        {
            validation.Add(field, $"must have at most {MaxExamples} examples.");
        }

        for (var i = 0; i < examples.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(examples[i]) || examples[i].Length > MaxExampleLength)
            {
                validation.Add(string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]"), $"must be a non-blank text of at most {MaxExampleLength} characters.");
            }
        }

        return [.. examples.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim())];
    }
}
