using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Keys;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A new API key for a consumer of the project.</summary>
public sealed record CreateKeyRequest(Guid ConsumerId, string? Name = null, DateTimeOffset? ExpiresAt = null);

/// <summary>An API key as lists show it: prefix, never the secret.</summary>
public sealed record KeyView(Guid Id, string Prefix, string? Name, Guid ConsumerId, string Consumer, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>A key just created: the only response that ever carries the full key.</summary>
public sealed record CreatedKeyView(Guid Id, string Key, string Prefix, string? Name, Guid ConsumerId, string Consumer, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary><c>/api/orgs/{org}/projects/{project}/keys</c>: create (secret shown once), list, revoke.</summary>
public static class KeyEndpoints
{
    public static RouteGroupBuilder MapKeyEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var keys = api.MapGroup("/orgs/{org}/projects/{project}/keys").WithTags("API keys");
        keys.MapGet("/", ListAsync).Produces<Page<KeyView>>();
        keys.MapPost("/", CreateAsync).AcceptsJson<CreateKeyRequest>().Produces<CreatedKeyView>(StatusCodes.Status201Created);
        keys.MapGet("/{keyId:guid}", GetAsync).Produces<KeyView>();
        keys.MapPost("/{keyId:guid}/revoke", RevokeAsync).Produces<KeyView>();
        return api;
    }

    /// <summary>The view of a stored key at <paramref name="now"/>.</summary>
    public static KeyView View(ApiKey k, string consumerName, DateTimeOffset now) => new(
        k.Id, k.Prefix, k.Name, k.ConsumerId, consumerName,
        k.RevokedAt is not null ? "revoked" : k.ExpiresAt <= now ? "expired" : "active",
        k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt);

    /// <summary>Validates and stages a new key for <paramref name="consumer"/>; the caller commits.</summary>
    public static CreatedKeyView Issue(AdminContext admin, Consumer consumer, string? name, DateTimeOffset? expiresAt)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(consumer);
        var validation = new Validation().MaxLength("name", name, 200);
        if (expiresAt is { } expiry && expiry <= admin.Now)
        {
            validation.Add("expiresAt", "must be in the future.");
        }

        validation.ThrowIfInvalid();
        var generated = ApiKeyFormat.Generate();
        var key = new ApiKey
        {
            ConsumerId = consumer.Id,
            PublicId = generated.PublicId,
            SecretHash = generated.SecretHash,
            Prefix = ApiKeyFormat.DisplayPrefix(generated.PublicId),
            Name = name,
            CreatedAt = admin.Now,
            ExpiresAt = expiresAt,
        };
        admin.Db.ApiKeys.Add(key);
        admin.Changed(ConfigEntityKinds.ApiKey, key.Id, ConfigOperation.Created);
        return new CreatedKeyView(key.Id, generated.Key, key.Prefix, key.Name, consumer.Id, consumer.Name, key.CreatedAt, key.ExpiresAt);
    }

    /// <summary>Marks <paramref name="key"/> revoked (the row stays, so gateways answer <c>key_revoked</c>); the caller commits.</summary>
    public static void Revoke(AdminContext admin, ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(key);
        if (key.RevokedAt is not null)
        {
            throw new AdminConflictException($"Key {key.Prefix} is already revoked.");
        }

        key.RevokedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.ApiKey, key.Id, ConfigOperation.Updated);
    }

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, string project, Guid? consumerId, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "key.list", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var query = admin.Db.ApiKeys.AsNoTracking().Include(k => k.Consumer).Where(k => k.Consumer.ProjectId == entity.Id);
        if (consumerId is { } id)
        {
            query = query.Where(k => k.ConsumerId == id);
        }

        return Results.Ok(await query.OrderBy(k => k.CreatedAt).ThenBy(k => k.PublicId).ToPageAsync(request, k => View(k, k.Consumer.Name, admin.Now), ct));
    }

    private static async Task<IResult> CreateAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "key.create", Targets.Project(org, project), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var body = await AdminJson.ReadAsync<CreateKeyRequest>(request, ct);
        var consumer = await admin.Db.Consumers.SingleOrDefaultAsync(c => c.Id == body.ConsumerId && c.ProjectId == entity.Id, ct)
            ?? throw new AdminValidationException("consumerId", $"is not a consumer of project '{project}'.");
        var created = Issue(admin, consumer, body.Name, body.ExpiresAt);
        await admin.CommitAsync("key.create", org, Targets.InProject("key", org, project, created.Prefix), StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/projects/{project}/keys/{created.Id}", created);
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string project, Guid keyId, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "key.read", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var key = await admin.Db.ApiKeys.AsNoTracking().Include(k => k.Consumer).SingleOrDefaultAsync(k => k.Id == keyId && k.Consumer.ProjectId == entity.Id, ct)
            ?? throw new AdminNotFoundException($"Key {keyId} does not exist in project '{project}'.");
        return Results.Ok(View(key, key.Consumer.Name, admin.Now));
    }

    private static async Task<IResult> RevokeAsync(AdminContext admin, string org, string project, Guid keyId, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "key.revoke", Targets.InProject("key", org, project, keyId.ToString()), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var key = await admin.Db.ApiKeys.Include(k => k.Consumer).SingleOrDefaultAsync(k => k.Id == keyId && k.Consumer.ProjectId == entity.Id, ct)
            ?? throw new AdminNotFoundException($"Key {keyId} does not exist in project '{project}'.");
        Revoke(admin, key);
        await admin.CommitAsync("key.revoke", org, Targets.InProject("key", org, project, key.Prefix), StatusCodes.Status200OK, ct);
        return Results.Ok(View(key, key.Consumer.Name, admin.Now));
    }
}
