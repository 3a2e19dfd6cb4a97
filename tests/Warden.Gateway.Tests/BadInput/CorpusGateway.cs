using Warden.Core.Snapshots;
using Warden.Gateway.Tests.Harness;

namespace Warden.Gateway.Tests.BadInput;

/// <summary>
/// The gateway the corpus runs against: <c>chat-default</c> and <c>embed</c> as in <see cref="StandardGateway"/>, plus
/// <c>control</c>, a route on its own upstream target that no corpus case uses. Corpus cases that reach the upstream
/// and fail there count against <c>chat-default</c>'s circuit breaker; the liveness checks use <c>control</c> so that
/// they fail only when the gateway itself stops serving.
/// </summary>
public sealed class CorpusGateway : IAsyncLifetime
{
    public GatewayHarness Harness { get; } = new();

    public string Key { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Harness.InitializeAsync();
        var factory = new SnapshotFactory();
        var primary = factory.AddProvider("primary", ProviderKind.Mock, Harness.MockApiBase);
        factory
            .AddRoute("chat-default", RouteStrategyKind.Single, (primary, "gpt-4o-mini"))
            .AddRoute("embed", RouteStrategyKind.Single, (primary, "text-embedding-3-small"))
            .AddRoute("control", RouteStrategyKind.Single, (primary, "gpt-4o-mini@tokens=8"));
        Key = factory.AddKey("mallory");
        Harness.Apply(factory);
    }

    public Task DisposeAsync() => Harness.DisposeAsync();
}
