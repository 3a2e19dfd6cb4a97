using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>The platform price table through the admin API: effective view, manual overrides, platform-admin-only writes.</summary>
public sealed class PricingApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public PricingApiTests(AdminApiServer server)
    {
        _server = server;
    }

    private static async Task<JsonNode?> FindAsync(HttpClient client, string model)
    {
        var page = await (await client.GetAsync("/api/pricing?limit=200").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        return page["items"]!.AsArray().FirstOrDefault(p => p!["model"]!.GetValue<string>() == model);
    }

    [Fact]
    public async Task Pricing_IsReadableByAnyMember_AndShowsShippedDefaults()
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = "price-read", name = "Read" }).ExpectAsync(HttpStatusCode.Created);
        using var member = _server.Client(await _server.CreateUserTokenAsync("price-reader@example.com", "price-read"));

        var gpt4o = await FindAsync(member, "gpt-4o");
        Assert.NotNull(gpt4o);
        Assert.Equal("default", gpt4o["source"]!.GetValue<string>());
        Assert.Equal(2.50m, gpt4o["inputUsdPerMillion"]!.GetValue<decimal>());
        Assert.Equal(10.00m, gpt4o["outputUsdPerMillion"]!.GetValue<decimal>());

        var single = await (await member.GetAsync("/api/pricing/claude-sonnet-4-5").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(3.00m, single["inputUsdPerMillion"]!.GetValue<decimal>());
        await member.GetAsync("/api/pricing/no-such-model").ExpectAsync(HttpStatusCode.NotFound);

        var page = await (await member.GetAsync("/api/pricing?limit=2").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(2, page["items"]!.AsArray().Count);
        Assert.Equal(2, page["nextOffset"]!.GetValue<int>());
        using var anonymous = _server.Client(null);
        await anonymous.GetAsync("/api/pricing").ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PriceWrite_ByOrgAdmin_IsDeniedAndAudited_ByPlatformAdmin_IsAllowed()
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = "price-write", name = "Write" }).ExpectAsync(HttpStatusCode.Created);
        using var orgAdmin = _server.Client(await _server.CreateUserTokenAsync("price-org-admin@example.com", "price-write", MembershipRole.OrgAdmin));
        using var platformAdmin = _server.Client(await _server.CreateUserTokenAsync("price-platform@example.com", null, platformAdmin: true));
        var price = new { inputUsdPerMillion = 0.2m, outputUsdPerMillion = 0.8m, cacheReadUsdPerMillion = 0.05m, cacheWriteUsdPerMillion = 0m };

        await orgAdmin.PutJsonAsync("/api/pricing/gpt-4o", price).ExpectAsync(HttpStatusCode.Forbidden);
        var denied = _server.LastAudit()!;
        Assert.Equal("price.update", denied.Action);
        Assert.Equal(AuditOutcome.Denied, denied.Outcome);
        Assert.Equal(403, denied.HttpStatus);
        await orgAdmin.DeleteAsync("/api/pricing/gpt-4o").ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal(AuditOutcome.Denied, _server.LastAudit()!.Outcome);

        // A model id with '/', ':' and '.', sent unencoded through the catch-all parameter.
        const string model = "openrouter/meta-llama/llama-3.1-8b:free";
        var created = await (await platformAdmin.PutJsonAsync($"/api/pricing/{model}", price).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Assert.Equal(model, created["model"]!.GetValue<string>());
        Assert.Equal("manual", created["source"]!.GetValue<string>());
        var allowed = _server.LastAudit()!;
        Assert.Equal("price.update", allowed.Action);
        Assert.Equal(AuditOutcome.Allowed, allowed.Outcome);
        await using (var db = _server.Contexts.CreateDbContext())
        {
            var change = await db.ConfigChanges.AsNoTracking().OrderByDescending(c => c.Id).FirstAsync();
            Assert.Equal(ConfigEntityKinds.Price, change.EntityKind);
        }

        var listed = await FindAsync(platformAdmin, model);
        Assert.Equal(0.8m, listed!["outputUsdPerMillion"]!.GetValue<decimal>());
        var encoded = await (await platformAdmin.PutJsonAsync("/api/pricing/openrouter%2Fmeta-llama%2Fllama-3.1-8b:free", price).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(model, encoded["model"]!.GetValue<string>());

        // Overriding a shipped default, then removing the override restores the default.
        await platformAdmin.PutJsonAsync("/api/pricing/gpt-4o", price).ExpectAsync(HttpStatusCode.Created);
        var overridden = await FindAsync(platformAdmin, "gpt-4o");
        Assert.Equal("manual", overridden!["source"]!.GetValue<string>());
        Assert.Equal(0.2m, overridden["inputUsdPerMillion"]!.GetValue<decimal>());
        await platformAdmin.DeleteAsync("/api/pricing/gpt-4o").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("price.delete", _server.LastAudit()!.Action);
        var restored = await FindAsync(platformAdmin, "gpt-4o");
        Assert.Equal("default", restored!["source"]!.GetValue<string>());
        Assert.Equal(2.50m, restored["inputUsdPerMillion"]!.GetValue<decimal>());
        await platformAdmin.DeleteAsync("/api/pricing/gpt-4o").ExpectAsync(HttpStatusCode.NotFound);

        await admin.DeleteAsync($"/api/pricing/{model}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Null(await FindAsync(admin, model));
    }

    [Fact]
    public async Task PriceWrite_NegativeRate_IsNamedInTheProblem()
    {
        using var admin = _server.Admin();
        var problem = await (await admin.PutJsonAsync("/api/pricing/some-model", new { inputUsdPerMillion = -1m, outputUsdPerMillion = 1m, cacheWriteUsdPerMillion = -0.5m })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(problem["errors"]!["inputUsdPerMillion"]);
        Assert.NotNull(problem["errors"]!["cacheWriteUsdPerMillion"]);
        var missing = await (await admin.PutJsonAsync("/api/pricing/some-model", new { inputUsdPerMillion = 1m })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(missing["errors"]!["outputUsdPerMillion"]);
        await admin.GetAsync("/api/pricing/some-model").ExpectAsync(HttpStatusCode.NotFound);
    }
}
