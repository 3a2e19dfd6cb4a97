using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Keys;
using Warden.MockProvider;
using Warden.Storage;
using Warden.Storage.Entities;
using Warden.Testing;

namespace Warden.Tests.Commands;

/// <summary>
/// <c>warden control-plane</c> on PostgreSQL with two <c>warden gateway</c> processes: configuration flows over the
/// snapshot channel, gateways survive a control-plane outage and converge when it returns.
/// </summary>
public sealed class ClusterTests : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string InternalToken = "cluster-test-internal-token-0123456789abcdef";
    private readonly PostgresDatabase _database;
    private WebApplication? _mock;
    private readonly Uri _mockUrl = FreePort.NextUrl();

    public ClusterTests(PostgresDatabase database)
    {
        _database = database;
    }

    public async Task InitializeAsync()
    {
        _mock = MockProviderServer.Build(new MockProviderOptions { Url = _mockUrl });
        await _mock.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_mock is not null)
        {
            await _mock.DisposeAsync();
        }
    }

    [Fact]
    public async Task Gateways_FollowTheControlPlane_SurviveItsOutage_AndResume()
    {
        var controlPlaneUrl = FreePort.NextUrl();
        await using var controlPlane = StartControlPlane(controlPlaneUrl);
        await controlPlane.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(60));
        var k1 = await SeedAsync();

        var g1Url = FreePort.NextUrl();
        var g2Url = FreePort.NextUrl();
        await using var g1 = StartGateway(g1Url, controlPlaneUrl);
        await using var g2 = StartGateway(g2Url, controlPlaneUrl);
        await g1.WaitForHttpOkAsync(new Uri(g1Url, "/readyz"));
        await g2.WaitForHttpOkAsync(new Uri(g2Url, "/readyz"));

        // A key in the database works on both gateways.
        await WaitForStatusAsync(g1Url, k1, HttpStatusCode.OK);
        await WaitForStatusAsync(g2Url, k1, HttpStatusCode.OK);

        // A new key and a revocation reach both gateways without restarting anything.
        var k2 = await AddKeyAsync();
        await RevokeAsync(k1);
        var propagation = Stopwatch.StartNew();
        await WaitForStatusAsync(g1Url, k2, HttpStatusCode.OK);
        await WaitForStatusAsync(g2Url, k2, HttpStatusCode.OK);
        await WaitForStatusAsync(g1Url, k1, HttpStatusCode.Unauthorized);
        await WaitForStatusAsync(g2Url, k1, HttpStatusCode.Unauthorized);
        Assert.True(propagation.Elapsed < TimeSpan.FromSeconds(15), $"propagation took {propagation.Elapsed}");

        // Control plane down: running gateways keep serving their last snapshot…
        controlPlane.Kill();
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(g1Url, k2));
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(g2Url, k2));

        // …and a gateway started meanwhile is not ready.
        var g3Url = FreePort.NextUrl();
        await using var g3 = StartGateway(g3Url, controlPlaneUrl);
        await g3.WaitForHttpOkAsync(new Uri(g3Url, "/healthz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ChatStatusAsync(g3Url, k2));
        using (var http = new HttpClient())
        using (var readyz = await http.GetAsync(new Uri(g3Url, "/readyz")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        }

        // The control plane returns: every gateway resumes receiving changes.
        await using var controlPlaneAgain = StartControlPlane(controlPlaneUrl);
        await controlPlaneAgain.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(60));
        await g3.WaitForHttpOkAsync(new Uri(g3Url, "/readyz"), TimeSpan.FromSeconds(30));
        var k3 = await AddKeyAsync();
        foreach (var url in new[] { g1Url, g2Url, g3Url })
        {
            await WaitForStatusAsync(url, k3, HttpStatusCode.OK);
        }
    }

    private WardenProcess StartControlPlane(Uri url) => WardenProcess.Start(
        ["control-plane", "--url", url.ToString(), "--connection-string", _database.ConnectionString],
        new Dictionary<string, string?> { ["WARDEN__ControlPlane__InternalToken"] = InternalToken });

    private static WardenProcess StartGateway(Uri url, Uri controlPlaneUrl) => WardenProcess.Start(
        ["gateway", "--url", url.ToString(), "--control-plane-url", controlPlaneUrl.ToString()],
        new Dictionary<string, string?> { ["WARDEN__Gateway__InternalToken"] = InternalToken });

    private WardenDbContext Db() => new WardenDbContextFactory(StorageOptions.ForPostgres(_database.ConnectionString)).CreateDbContext();

    private async Task<string> SeedAsync()
    {
        await using var db = Db();
        var now = DateTimeOffset.UtcNow;
        var org = new Organization { Slug = "acme", Name = "Acme", CreatedAt = now, UpdatedAt = now };
        var project = new Project { OrganizationId = org.Id, Slug = "payments", Name = "Payments", CreatedAt = now, UpdatedAt = now };
        var provider = new Provider { ProjectId = project.Id, Name = "mock", Type = ProviderType.Mock, BaseUrl = new Uri(_mockUrl, "/v1").ToString(), CreatedAt = now, UpdatedAt = now };
        var route = new Route { ProjectId = project.Id, LogicalModel = "chat", Strategy = RouteStrategy.Single, MaxAttempts = 1, CreatedAt = now, UpdatedAt = now };
        route.Targets.Add(new RouteTarget { RouteId = route.Id, ProviderId = provider.Id, UpstreamModel = "gpt-4o-mini", Weight = 1, TimeoutMs = 10_000 });
        var consumer = new Consumer { ProjectId = project.Id, Name = "svc", CreatedAt = now };
        db.AddRange(org, project, provider, route, consumer);
        await db.SaveChangesAsync();
        return await AddKeyAsync();
    }

    private async Task<string> AddKeyAsync()
    {
        await using var db = Db();
        var consumer = await db.Consumers.SingleAsync(c => c.Name == "svc");
        var key = ApiKeyFormat.Generate();
        var now = DateTimeOffset.UtcNow;
        db.ApiKeys.Add(new ApiKey { ConsumerId = consumer.Id, PublicId = key.PublicId, SecretHash = key.SecretHash, Prefix = ApiKeyFormat.DisplayPrefix(key.PublicId), CreatedAt = now });
        db.ConfigRevisions.Add(new ConfigRevision { CreatedAt = now, Reason = "test: key created", Actor = "test" });
        await db.SaveChangesAsync();
        return key.Key;
    }

    private async Task RevokeAsync(string key)
    {
        Assert.True(ApiKeyFormat.TryParse(key, out var publicIdSpan, out _));
        var publicId = publicIdSpan.ToString();
        await using var db = Db();
        var row = await db.ApiKeys.SingleAsync(k => k.PublicId == publicId);
        row.RevokedAt = DateTimeOffset.UtcNow;
        db.ConfigRevisions.Add(new ConfigRevision { CreatedAt = DateTimeOffset.UtcNow, Reason = "test: key revoked", Actor = "test" });
        await db.SaveChangesAsync();
    }

    private static async Task WaitForStatusAsync(Uri gateway, string key, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        HttpStatusCode last;
        do
        {
            last = await ChatStatusAsync(gateway, key);
            if (last == expected)
            {
                return;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"{gateway} answered {last}, expected {expected}");
    }

    private static async Task<HttpStatusCode> ChatStatusAsync(Uri gateway, string key)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/v1/chat/completions"))
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
