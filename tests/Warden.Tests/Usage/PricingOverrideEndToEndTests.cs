using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Core.Pricing;
using Warden.Core.Usage;
using Warden.Gateway;
using Warden.Gateway.Hosting;
using Warden.Gateway.Snapshots;
using Warden.Gateway.Usage;
using Warden.MockProvider;
using Warden.Tests.Admin;
using Warden.Testing;

namespace Warden.Tests.Usage;

/// <summary>
/// SPEC ML-1 end to end: a control plane on PostgreSQL, a gateway subscribed to its snapshots and the mock upstream.
/// The route serves the dated id <c>gpt-4o-mini-2024-07-18</c>; a platform admin's price for <c>gpt-4o-mini</c> changes
/// the cost the gateway puts in its usage events, and deleting it brings the shipped default back.
/// </summary>
public sealed class PricingOverrideEndToEndTests : IClassFixture<AdminApiServer>, IAsyncLifetime
{
    private const string UpstreamModel = "gpt-4o-mini-2024-07-18";
    private readonly AdminApiServer _server;
    private readonly RecordingSink _usage = new();
    private readonly SnapshotStore _store = new();
    private readonly Uri _gatewayUrl = FreePort.NextUrl();
    private readonly Uri _mockUrl = FreePort.NextUrl();
    private WebApplication? _mock;
    private WebApplication? _gateway;
    private ControlPlaneSnapshotSubscriber? _subscriber;

    public PricingOverrideEndToEndTests(AdminApiServer server)
    {
        _server = server;
    }

    public async Task InitializeAsync()
    {
        _mock = MockProviderServer.Build(new MockProviderOptions { Url = _mockUrl });
        await _mock.StartAsync();
        var options = new GatewayOptions { Url = _gatewayUrl.ToString().TrimEnd('/'), ControlPlaneUrl = _server.Url.ToString(), InternalToken = AdminApiServer.InternalToken };
        var builder = GatewayApplication.CreateBuilder(options);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_store);
        builder.Services.AddSingleton<IUsageSink>(_usage);
        _gateway = builder.Build().UseGateway();
        await _gateway.StartAsync();
        _subscriber = new ControlPlaneSnapshotSubscriber(options, _store, TimeProvider.System, NullLogger<ControlPlaneSnapshotSubscriber>.Instance);
        await _subscriber.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_subscriber is not null)
        {
            await _subscriber.StopAsync(CancellationToken.None);
            _subscriber.Dispose();
        }

        foreach (var app in new[] { _gateway, _mock })
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AdminPriceOverride_ChangesTheCostInTheGatewaysUsageEvents_DeleteRestoresTheDefault()
    {
        var key = await ConfigureAsync();
        using var client = new HttpClient { BaseAddress = _gatewayUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await WaitForAsync(s => s.FindKey(KeyPublicId(key)) is not null);

        var before = await ChatAsync(client);
        Assert.Equal(UpstreamModel, before.UpstreamModel);
        Assert.Equal(PriceTable.Cost(DefaultPrices.All["gpt-4o-mini"], before.Tokens), before.CostUsd);

        using var admin = _server.Admin();
        var manual = new ModelPrice(100m, 200m, 50m, 0m);
        await admin.PutJsonAsync("/api/pricing/gpt-4o-mini", new { inputUsdPerMillion = 100m, outputUsdPerMillion = 200m, cacheReadUsdPerMillion = 50m })
            .ExpectAsync(HttpStatusCode.Created);
        await WaitForAsync(s => s.Prices.Find(UpstreamModel, "chat") == manual);
        var overridden = await ChatAsync(client);

        var t = overridden.Tokens;
        Assert.True(t.InputTokens > 0 && t.OutputTokens > 0);
        Assert.Equal((((t.InputTokens - t.CacheReadTokens) * 100m) + (t.CacheReadTokens * 50m) + (t.OutputTokens * 200m)) / 1_000_000m, overridden.CostUsd);
        Assert.True(overridden.Priced);

        await admin.DeleteAsync("/api/pricing/gpt-4o-mini").ExpectAsync(HttpStatusCode.NoContent);
        await WaitForAsync(s => s.Prices.Find(UpstreamModel, "chat") == DefaultPrices.All["gpt-4o-mini"]);
        var restored = await ChatAsync(client);
        Assert.Equal(PriceTable.Cost(DefaultPrices.All["gpt-4o-mini"], restored.Tokens), restored.CostUsd);
    }

    /// <summary>Organization, project, mock provider, route <c>chat</c> → the dated upstream id, a consumer and its key.</summary>
    private async Task<string> ConfigureAsync()
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = "price-e2e", name = "Price e2e" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/price-e2e/projects", new { slug = "p1", name = "P1" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/price-e2e/projects/p1/providers", new { name = "mock", type = "mock", baseUrl = new Uri(_mockUrl, "/v1").ToString() })
            .ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/price-e2e/projects/p1/routes", new
        {
            logicalModel = "chat",
            strategy = "single",
            maxAttempts = 1,
            targets = new[] { new { provider = "mock", upstreamModel = UpstreamModel, timeoutMs = 10_000 } },
        }).ExpectAsync(HttpStatusCode.Created);
        var consumer = await (await admin.PostJsonAsync("/api/orgs/price-e2e/projects/p1/consumers", new { name = "svc" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var created = await (await admin.PostJsonAsync("/api/orgs/price-e2e/projects/p1/keys", new { consumerId = consumer["id"]!.GetValue<Guid>() })
            .ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        return created["key"]!.GetValue<string>();
    }

    private async Task<UsageEvent> ChatAsync(HttpClient client)
    {
        using var content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"price this, please"}]}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/v1/chat/completions", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        return await _usage.WaitForAsync(requestId);
    }

    private async Task WaitForAsync(Func<Warden.Core.Snapshots.ConfigSnapshot, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_store.Current is { } snapshot && condition(snapshot))
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"The gateway's snapshot did not reach the expected state (revision {_store.Current?.Revision}).");
    }

    private static string KeyPublicId(string key) => Warden.Core.Keys.ApiKeyFormat.TryParse(key, out var publicId, out _)
        ? publicId.ToString()
        : throw new ArgumentException("Not a Warden key.", nameof(key));

    /// <summary>Keeps the gateway's usage events.</summary>
    private sealed class RecordingSink : IUsageSink
    {
        private readonly ConcurrentQueue<UsageEvent> _events = new();

        public void Publish(UsageEvent usageEvent) => _events.Enqueue(usageEvent);

        public async Task<UsageEvent> WaitForAsync(string requestId)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline)
            {
                if (_events.FirstOrDefault(e => e.RequestId == requestId) is { } match)
                {
                    return match;
                }

                await Task.Delay(20);
            }

            throw new TimeoutException("No usage event for " + requestId);
        }
    }
}
