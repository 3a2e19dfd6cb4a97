using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Pricing;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A manual price in USD per one million tokens; cache rates default to 0.</summary>
public sealed record SetPriceRequest(decimal InputUsdPerMillion, decimal OutputUsdPerMillion, decimal CacheReadUsdPerMillion = 0m, decimal CacheWriteUsdPerMillion = 0m);

/// <summary>One entry of the effective price table and where it comes from (<c>default</c>, <c>synced</c> or <c>manual</c>).</summary>
public sealed record PriceView(string Model, decimal InputUsdPerMillion, decimal OutputUsdPerMillion, decimal CacheReadUsdPerMillion, decimal CacheWriteUsdPerMillion,
    PriceSource Source, DateTimeOffset? UpdatedAt);

/// <summary>
/// <c>/api/pricing</c>: the effective platform price table (shipped defaults overlaid with database rows) for any
/// authenticated caller; manual overrides by platform admins. Model ids are a catch-all path parameter, so ids with
/// <c>/</c>, <c>:</c> or <c>.</c> are sent as they are (<c>%2F</c> is accepted too).
/// </summary>
public static class PricingEndpoints
{
    /// <summary>Highest accepted rate (USD per million tokens).</summary>
    public const decimal MaxRate = 1_000_000m;

    public static RouteGroupBuilder MapPricingEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var pricing = api.MapGroup("/pricing").WithTags("Pricing");
        pricing.MapGet("/", ListAsync).Produces<Page<PriceView>>();
        pricing.MapGet("/{**model}", GetAsync).Produces<PriceView>();
        pricing.MapPut("/{**model}", SetAsync).AcceptsJson<SetPriceRequest>().Produces<PriceView>().Produces<PriceView>(StatusCodes.Status201Created);
        pricing.MapDelete("/{**model}", DeleteAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static string Target(string model) => "price:" + model;

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        var (offset, limit) = Paging.Read(request);
        var table = await EffectiveAsync(admin, ct);
        var items = table.Skip(offset).Take(limit).ToList();
        return Results.Ok(new Page<PriceView>(items, offset, limit, table.Count > offset + limit ? offset + limit : null));
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string model, CancellationToken ct)
    {
        var id = Decode(model);
        var table = await EffectiveAsync(admin, ct);
        return Results.Ok(table.Find(p => string.Equals(p.Model, id, StringComparison.OrdinalIgnoreCase))
            ?? throw new AdminNotFoundException($"No price for model '{id}'."));
    }

    private static async Task<IResult> SetAsync(AdminContext admin, HttpRequest request, string model, CancellationToken ct)
    {
        var id = Decode(model);
        admin.RequirePlatformAdmin("price.update", null, Target(id));
        var body = await AdminJson.ReadAsync<SetPriceRequest>(request, ct);
        var validation = new Validation();
        ModelId(validation, id);
        validation.Range("inputUsdPerMillion", body.InputUsdPerMillion, 0, MaxRate)
            .Range("outputUsdPerMillion", body.OutputUsdPerMillion, 0, MaxRate)
            .Range("cacheReadUsdPerMillion", body.CacheReadUsdPerMillion, 0, MaxRate)
            .Range("cacheWriteUsdPerMillion", body.CacheWriteUsdPerMillion, 0, MaxRate)
            .ThrowIfInvalid();

        var price = await FindAsync(admin, id, ct);
        var created = price is null;
        if (price is null)
        {
            price = new Price { Model = id };
            admin.Db.Prices.Add(price);
        }

        price.Model = id;
        price.InputUsdPerMillion = body.InputUsdPerMillion;
        price.OutputUsdPerMillion = body.OutputUsdPerMillion;
        price.CacheReadUsdPerMillion = body.CacheReadUsdPerMillion;
        price.CacheWriteUsdPerMillion = body.CacheWriteUsdPerMillion;
        price.Source = PriceSource.Manual;
        price.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.Price, price.Id, created ? ConfigOperation.Created : ConfigOperation.Updated);
        var status = created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        await admin.CommitAsync("price.update", null, Target(id), status, ct);
        var view = View(price);
        return created ? Results.Created($"/api/pricing/{id}", view) : Results.Ok(view);
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string model, CancellationToken ct)
    {
        var id = Decode(model);
        admin.RequirePlatformAdmin("price.delete", null, Target(id));
        var price = await FindAsync(admin, id, ct) is { Source: PriceSource.Manual } manual
            ? manual
            : throw new AdminNotFoundException($"Model '{id}' has no manual price.");
        admin.Db.Prices.Remove(price);
        admin.Changed(ConfigEntityKinds.Price, price.Id, ConfigOperation.Deleted);
        await admin.CommitAsync("price.delete", null, Target(id), StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    // Model ids match case-insensitively, like the gateway's price table. The table holds a few hundred rows, so the
    // comparison runs here rather than in a provider-specific SQL collation.
    private static async Task<Price?> FindAsync(AdminContext admin, string id, CancellationToken ct) =>
        (await admin.Db.Prices.ToListAsync(ct)).SingleOrDefault(p => string.Equals(p.Model, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Shipped defaults overlaid with the database rows, ordered by model id.</summary>
    private static async Task<List<PriceView>> EffectiveAsync(AdminContext admin, CancellationToken ct)
    {
        var merged = new Dictionary<string, PriceView>(StringComparer.OrdinalIgnoreCase);
        foreach (var (model, price) in DefaultPrices.All)
        {
            merged[model] = new PriceView(model, price.InputPerMillion, price.OutputPerMillion, price.CacheReadPerMillion, price.CacheWritePerMillion, PriceSource.Default, null);
        }

        foreach (var row in await admin.Db.Prices.AsNoTracking().ToListAsync(ct))
        {
            merged.Remove(row.Model);
            merged[row.Model] = View(row);
        }

        return [.. merged.Values.OrderBy(p => p.Model, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Model, StringComparer.Ordinal)];
    }

    private static PriceView View(Price p) =>
        new(p.Model, p.InputUsdPerMillion, p.OutputUsdPerMillion, p.CacheReadUsdPerMillion, p.CacheWriteUsdPerMillion, p.Source, p.UpdatedAt);

    // The catch-all value keeps an encoded slash as %2F; both spellings name the same model.
    private static string Decode(string model) => model.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static void ModelId(Validation validation, string id)
    {
        if (id.Length is 0 or > 200 || id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || id.StartsWith('/') || id.EndsWith('/'))
        {
            validation.Add("model", "must be 1-200 characters without whitespace, and not start or end with '/'.");
        }
    }
}
