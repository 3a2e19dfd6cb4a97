using System.Net;
using Warden.Storage.Entities;

namespace Warden.Tests.Admin;

/// <summary>Organizations, projects, consumers and keys through the admin API, with their audit rows.</summary>
public sealed class OrganizationApiTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public OrganizationApiTests(AdminApiServer server)
    {
        _server = server;
    }

    [Fact]
    public async Task Key_IsShownOnce_ListedByPrefix_AndRevocable_EachStepAudited()
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = "keys-org", name = "Keys" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/keys-org/projects", new { slug = "p1", name = "P1" }).ExpectAsync(HttpStatusCode.Created);
        var consumer = await (await admin.PostJsonAsync("/api/orgs/keys-org/projects/p1/consumers", new { name = "batch" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var created = await (await admin.PostJsonAsync("/api/orgs/keys-org/projects/p1/keys", new { consumerId = consumer["id"]!.GetValue<Guid>(), name = "ci" })
            .ExpectAsync(HttpStatusCode.Created)).JsonAsync();

        var key = created["key"]!.GetValue<string>();
        Assert.StartsWith("wdn_", key, StringComparison.Ordinal);
        var audit = _server.LastAudit()!;
        Assert.Equal("key.create", audit.Action);
        Assert.Equal(AuditOutcome.Allowed, audit.Outcome);
        Assert.Equal("bootstrap-token", audit.Actor);
        Assert.DoesNotContain(key, audit.Target ?? "", StringComparison.Ordinal);

        var list = await (await admin.GetAsync("/api/orgs/keys-org/projects/p1/keys").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        var listed = list["items"]![0]!;
        Assert.Equal(created["prefix"]!.GetValue<string>(), listed["prefix"]!.GetValue<string>());
        Assert.Null(listed["key"]);
        Assert.DoesNotContain(key[17..], list.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("active", listed["status"]!.GetValue<string>());

        var revoked = await (await admin.PostAsync($"/api/orgs/keys-org/projects/p1/keys/{created["id"]}/revoke", null).ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("revoked", revoked["status"]!.GetValue<string>());
        Assert.Equal("key.revoke", _server.LastAudit()!.Action);
        await admin.PostAsync($"/api/orgs/keys-org/projects/p1/keys/{created["id"]}/revoke", null).ExpectAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Validation_NamesTheField_AsProblemDetails()
    {
        using var admin = _server.Admin();
        var bad = await admin.PostJsonAsync("/api/orgs", new { slug = "Not A Slug", name = "" }).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        var problem = await bad.JsonAsync();
        Assert.NotNull(problem["errors"]!["slug"]);
        Assert.NotNull(problem["errors"]!["name"]);

        var missing = await (await admin.PostJsonAsync("/api/orgs", new { name = "x" }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(missing["errors"]!["slug"]);

        var unknown = await (await admin.PostJsonAsync("/api/orgs", new { slug = "ok-slug", name = "x", colour = "red" }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(unknown["errors"]!["colour"]);

        using var malformed = new StringContent("{\"slug\": ", System.Text.Encoding.UTF8, "application/json");
        await admin.PostAsync("/api/orgs", malformed).ExpectAsync(HttpStatusCode.BadRequest);

        using var text = new StringContent("slug=x", System.Text.Encoding.UTF8, "text/plain");
        await admin.PostAsync("/api/orgs", text).ExpectAsync(HttpStatusCode.UnsupportedMediaType);

        await admin.PostJsonAsync("/api/orgs", new { slug = "dupe", name = "D" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs", new { slug = "dupe", name = "D" }).ExpectAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Lists_ArePaginated()
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = "paged", name = "Paged" }).ExpectAsync(HttpStatusCode.Created);
        for (var i = 0; i < 5; i++)
        {
            await admin.PostJsonAsync("/api/orgs/paged/projects", new { slug = $"p{i}", name = $"P{i}" }).ExpectAsync(HttpStatusCode.Created);
        }

        var first = await (await admin.GetAsync("/api/orgs/paged/projects?limit=2").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(["p0", "p1"], first["items"]!.AsArray().Select(p => p!["slug"]!.GetValue<string>()));
        Assert.Equal(2, first["nextOffset"]!.GetValue<int>());
        var last = await (await admin.GetAsync("/api/orgs/paged/projects?limit=2&offset=4").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal(["p4"], last["items"]!.AsArray().Select(p => p!["slug"]!.GetValue<string>()));
        Assert.Null(last["nextOffset"]);
        var bad = await (await admin.GetAsync("/api/orgs/paged/projects?limit=1000").ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(bad["errors"]!["limit"]);
    }

    [Fact]
    public async Task Unauthenticated_Gets401Problem_AndOpenApiDocumentIsServed()
    {
        using var anonymous = _server.Client(null);
        var response = await anonymous.GetAsync("/api/orgs").ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        using var wrong = _server.Client("wat_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
        await wrong.GetAsync("/api/orgs").ExpectAsync(HttpStatusCode.Unauthorized);

        using var admin = _server.Admin();
        var unknownRoute = await admin.GetAsync("/api/no-such-thing").ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal("application/problem+json", unknownRoute.Content.Headers.ContentType!.MediaType);

        var document = await (await anonymous.GetAsync("/api/openapi.json").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.NotNull(document["paths"]!["/api/orgs/{org}/projects/{project}/keys"]);
    }
}
