using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Core.Keys;
using Warden.Core.Pricing;
using Warden.Core.Snapshots;
using Warden.Gateway;
using Warden.Gateway.Counters;
using Warden.Gateway.Hosting;
using Warden.Gateway.Snapshots;
using Warden.MockProvider;
using Warden.Testing;

namespace Warden.Tests.Budgets;

/// <summary>
/// A real gateway (Kestrel, full gate chain) in this process in front of the mock upstream, with a chosen counter
/// store, and one project whose model <c>hammer</c> costs exactly $0.001 per request (10 completion tokens at $100
/// per million; input free). Consumers: <c>svc</c> with a $0.05 budget, <c>free</c> with no budget or limit, and
/// <c>capped</c> with a budget and every kind of limit set far above what a test uses.
/// </summary>
internal sealed class InProcessGateway : IAsyncDisposable
{
    private readonly WebApplication _gateway;
    private readonly WebApplication _mock;

    private InProcessGateway(WebApplication gateway, WebApplication mock, Uri url, ICounterStore store, string prefix, ConfigSnapshot snapshot)
    {
        _gateway = gateway;
        _mock = mock;
        Url = url;
        Store = store;
        KeyPrefix = prefix;
        Snapshot = snapshot;
    }

    public Uri Url { get; }

    public ICounterStore Store { get; }

    public string KeyPrefix { get; }

    public ConfigSnapshot Snapshot { get; }

    public Dictionary<string, (Guid ConsumerId, string Key)> Consumers { get; } = new(StringComparer.Ordinal);

    public static async Task<InProcessGateway> StartAsync(ICounterStore store)
    {
        var mockUrl = FreePort.NextUrl();
        var mock = MockProviderServer.Build(new MockProviderOptions { Url = mockUrl });
        await mock.StartAsync();

        var prefix = "ip" + Guid.NewGuid().ToString("N")[..8] + ":";
        var url = FreePort.NextUrl();
        var options = new GatewayOptions { Url = url.ToString().TrimEnd('/') };
        options.Counters.KeyPrefix = prefix;
        var builder = GatewayApplication.CreateBuilder(options);
        builder.Logging.ClearProviders();
        var snapshots = new SnapshotStore();
        builder.Services.AddSingleton(snapshots);
        builder.Services.AddSingleton(store);
        var app = builder.Build().UseGateway();

        var provider = new ProviderEntry(Guid.NewGuid(), "mock", ProviderKind.Mock, new Uri(mockUrl, "/v1"), FrozenDictionary<string, string>.Empty, null);
        var route = new RouteEntry("hammer", RouteStrategyKind.Single, [new RouteTargetEntry(provider, "hammer-upstream@tokens=10", 1, TimeSpan.FromSeconds(10))], 1, TimeSpan.Zero);
        var svc = Guid.NewGuid();
        var free = Guid.NewGuid();
        var capped = Guid.NewGuid();
        var settings = ProjectSettings.Empty with
        {
            ConsumerBudgets = new Dictionary<Guid, BudgetEntry>
            {
                [svc] = new(PolicyScope.Consumer, svc, 0.05m),
                [capped] = new(PolicyScope.Consumer, capped, 1_000_000m),
            }.ToFrozenDictionary(),
            ConsumerLimits = new Dictionary<Guid, LimitEntry>
            {
                [capped] = new(PolicyScope.Consumer, capped, 100_000_000, 1_000_000, 1_000),
            }.ToFrozenDictionary(),
        };
        var project = new ProjectEntry(Guid.NewGuid(), Guid.NewGuid(), "acme", "bench", new Dictionary<string, RouteEntry> { ["hammer"] = route }.ToFrozenDictionary(), settings);
        var keys = new List<KeyEntry>();
        var consumers = new Dictionary<string, (Guid, string)>(StringComparer.Ordinal);
        foreach (var (name, id) in new[] { ("svc", svc), ("free", free), ("capped", capped) })
        {
            var key = ApiKeyFormat.Generate();
            keys.Add(new KeyEntry(Guid.NewGuid(), key.PublicId, key.SecretHash, new ConsumerEntry(id, name, project, []), null, null));
            consumers[name] = (id, key.Key);
        }

        var prices = new PriceTable([KeyValuePair.Create("hammer", new ModelPrice(0m, 100m, 0m, 0m))]);
        var snapshot = new ConfigSnapshot(1, DateTimeOffset.UtcNow, keys, [project], prices);
        snapshots.Apply(snapshot);
        await app.StartAsync();
        var result = new InProcessGateway(app, mock, url, store, prefix, snapshot);
        foreach (var (name, value) in consumers)
        {
            result.Consumers[name] = value;
        }

        return result;
    }

    public string BudgetKey(string consumer) =>
        KeyPrefix + "b:consumer:" + Consumers[consumer].ConsumerId.ToString("N") + ":" + Core.Budgets.BudgetPeriods.MonthKey(DateTimeOffset.UtcNow);

    public async ValueTask DisposeAsync()
    {
        await _gateway.StopAsync();
        await _gateway.DisposeAsync();
        await _mock.StopAsync();
        await _mock.DisposeAsync();
    }
}
