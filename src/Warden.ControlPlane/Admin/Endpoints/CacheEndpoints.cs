using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A project's semantic-cache settings, replaced as a whole.</summary>
public sealed record CacheSettingsRequest(bool Enabled, int TtlSeconds = CacheEndpoints.DefaultTtlSeconds, double SimilarityThreshold = CacheEndpoints.DefaultSimilarityThreshold,
    CacheKeyStrategy KeyStrategy = CacheKeyStrategy.LastMessage);

/// <summary>A project's semantic-cache settings; <c>isDefault</c> when never set.</summary>
public sealed record CacheSettingsView(bool Enabled, int TtlSeconds, double SimilarityThreshold, CacheKeyStrategy KeyStrategy, bool IsDefault, DateTimeOffset? UpdatedAt);

/// <summary><c>/api/orgs/{org}/projects/{project}/cache</c>: the per-project semantic cache (off by default).</summary>
public static class CacheEndpoints
{
    /// <summary>TTL when none is set: one hour.</summary>
    public const int DefaultTtlSeconds = 3600;

    /// <summary>Longest TTL: one week.</summary>
    public const int MaxTtlSeconds = 604_800;

    /// <summary>Similarity a semantic hit needs when none is set.</summary>
    public const double DefaultSimilarityThreshold = 0.95;

    public static RouteGroupBuilder MapCacheEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var cache = api.MapGroup("/orgs/{org}/projects/{project}/cache").WithTags("Cache");
        cache.MapGet("/", GetAsync).Produces<CacheSettingsView>();
        cache.MapPut("/", ReplaceAsync).AcceptsJson<CacheSettingsRequest>().Produces<CacheSettingsView>();
        return api;
    }

    private static string Target(string org, string project) => $"cache:{org}/{project}";

    private static CacheSettingsView View(CacheConfig? c) => c is null
        ? new CacheSettingsView(false, DefaultTtlSeconds, DefaultSimilarityThreshold, CacheKeyStrategy.LastMessage, true, null)
        : new CacheSettingsView(c.Enabled, c.TtlSeconds, c.SimilarityThreshold, c.KeyStrategy, false, c.UpdatedAt);

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "cache.read", Target(org, project), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        return Results.Ok(View(await admin.Db.CacheConfigs.AsNoTracking().SingleOrDefaultAsync(c => c.ProjectId == entity.Id, ct)));
    }

    private static async Task<IResult> ReplaceAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "cache.update", Target(org, project), ct);
        var body = await AdminJson.ReadAsync<CacheSettingsRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var validation = new Validation().Range("ttlSeconds", body.TtlSeconds, 1, MaxTtlSeconds);
        if (!(body.SimilarityThreshold is >= 0 and <= 1))
        {
            validation.Add("similarityThreshold", "must be between 0 and 1.");
        }

        validation.ThrowIfInvalid();
        var config = await admin.Db.CacheConfigs.SingleOrDefaultAsync(c => c.ProjectId == entity.Id, ct);
        var created = config is null;
        if (config is null)
        {
            config = new CacheConfig { ProjectId = entity.Id };
            admin.Db.CacheConfigs.Add(config);
        }

        config.Enabled = body.Enabled;
        config.TtlSeconds = body.TtlSeconds;
        config.SimilarityThreshold = body.SimilarityThreshold;
        config.KeyStrategy = body.KeyStrategy;
        config.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.Cache, entity.Id, created ? ConfigOperation.Created : ConfigOperation.Updated);
        await admin.CommitAsync("cache.update", org, Target(org, project), StatusCodes.Status200OK, ct);
        return Results.Ok(View(config));
    }
}
