using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.Storage.Entities;
using Xunit.Abstractions;

namespace Warden.Tests.Admin;

/// <summary>
/// Tenant isolation, proven over every admin route under <c>/api/orgs/{org}/…</c> as the running control plane lists
/// them (a new route is covered without touching this test): an org admin of org A is refused on org B's resources,
/// both through org B's paths and by putting B's ids into A's own paths.
/// </summary>
public sealed class TenantIsolationTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;
    private readonly ITestOutputHelper _output;

    public TenantIsolationTests(AdminApiServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
    }

    [Fact]
    public async Task OrgAdminOfA_IsRefused_OnEveryRouteOfOrgB()
    {
        var a = await SeedOrganizationAsync("iso-a");
        var b = await SeedOrganizationAsync("iso-b");
        var tokenA = await _server.CreateUserTokenAsync("admin@iso-a.test", "iso-a", MembershipRole.OrgAdmin);
        using var client = _server.Client(tokenA);
        var before = await FingerprintAsync(b);

        var routes = OrgRoutes();
        Assert.True(routes.Count >= 10, $"only {routes.Count} org routes found");
        var failures = new List<string>();
        var auditBefore = await CountDeniedAsync();
        var mutations = 0;
        foreach (var (method, pattern) in routes)
        {
            // B's organization in the path.
            var status = await CallAsync(client, method, Fill(pattern, b, b));
            if (status is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
            {
                failures.Add($"{method} {pattern.RawText} with org B: {(int)status}");
            }

            mutations += method == "GET" ? 0 : 1;

            // A's own organization and project in the path, B's ids guessed into it.
            if (pattern.Parameters.Any(p => !p.Name.Equals("org", StringComparison.Ordinal) && !p.Name.Equals("project", StringComparison.Ordinal)))
            {
                var guessed = await CallAsync(client, method, Fill(pattern, a, b));
                if (guessed is not (HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden))
                {
                    failures.Add($"{method} {pattern.RawText} with A's path and B's ids: {(int)guessed}");
                }
            }

            _output.WriteLine($"{method} {pattern.RawText}: {(int)status}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await FingerprintAsync(b));
        // Every refused mutation of org B was audited as denied.
        Assert.True(await CountDeniedAsync() - auditBefore >= mutations, "denied mutations were not all audited");
    }

    private sealed record Seeded(string Org, string Project, Dictionary<string, string> Ids);

    private async Task<Seeded> SeedOrganizationAsync(string slug)
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug, name = slug }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{slug}/projects", new { slug = "proj", name = "Proj" }).ExpectAsync(HttpStatusCode.Created);
        var consumer = await (await admin.PostJsonAsync($"/api/orgs/{slug}/projects/proj/consumers", new { name = "svc" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var key = await (await admin.PostJsonAsync($"/api/orgs/{slug}/projects/proj/keys", new { consumerId = consumer["id"]!.GetValue<Guid>() }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        await _server.CreateUserTokenAsync($"member@{slug}.test", slug);
        await using var db = _server.Contexts.CreateDbContext();
        var memberId = await db.Users.Where(u => u.Email == $"member@{slug}.test").Select(u => u.Id).SingleAsync();
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["consumerId"] = consumer["id"]!.ToString(),
            ["keyId"] = key["id"]!.ToString(),
            ["userId"] = memberId.ToString(),
            ["id"] = key["id"]!.ToString(),
            ["tokenId"] = Guid.NewGuid().ToString(),
            ["group"] = "grp",
            ["name"] = "prov",
            ["logicalModel"] = "chat",
            ["scope"] = "consumer",
            ["scopeRef"] = consumer["id"]!.ToString(),
            ["model"] = "gpt-4o-mini",
        };
        return new Seeded(slug, "proj", ids);
    }

    private List<(string Method, RoutePattern Pattern)> OrgRoutes()
    {
        var sources = _server.Services.GetServices<EndpointDataSource>();
        var routes = new List<(string, RoutePattern)>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var raw = endpoint.RoutePattern.RawText ?? "";
            if (!raw.StartsWith("/api/orgs/{org}", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                routes.Add((method, endpoint.RoutePattern));
            }
        }

        return routes;
    }

    private static string Fill(RoutePattern pattern, Seeded path, Seeded ids)
    {
        var builder = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            builder.Append('/');
            foreach (var part in segment.Parts)
            {
                builder.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart { Name: "org" } => path.Org,
                    RoutePatternParameterPart { Name: "project" } => path.Project,
                    RoutePatternParameterPart parameter => ids.Ids.TryGetValue(parameter.Name, out var value)
                        ? value
                        : throw new InvalidOperationException($"TenantIsolationTests does not know how to fill route parameter '{parameter.Name}' of {pattern.RawText}; add a value of org B for it."),
                    _ => throw new InvalidOperationException("Unexpected route part in " + pattern.RawText),
                });
            }
        }

        return builder.ToString();
    }

    private static async Task<HttpStatusCode> CallAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<long> CountDeniedAsync()
    {
        await using var db = _server.Contexts.CreateDbContext();
        return await db.AuditEvents.LongCountAsync(e => e.Outcome == AuditOutcome.Denied && e.Actor == "admin@iso-a.test");
    }

    private async Task<string> FingerprintAsync(Seeded org)
    {
        await using var db = _server.Contexts.CreateDbContext();
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Slug == org.Org);
        var projects = await db.Projects.AsNoTracking().Where(p => p.OrganizationId == organization.Id).OrderBy(p => p.Slug).Select(p => p.Slug + p.Name + p.UpdatedAt).ToListAsync();
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.Consumer.Project.OrganizationId == organization.Id).Select(k => k.PublicId + k.RevokedAt).ToListAsync();
        var members = await db.Memberships.AsNoTracking().Where(m => m.OrganizationId == organization.Id).Select(m => m.UserId + m.Role.ToString()).ToListAsync();
        return organization.Name + organization.UpdatedAt + string.Join(",", projects) + string.Join(",", keys.Order()) + string.Join(",", members.Order());
    }
}
