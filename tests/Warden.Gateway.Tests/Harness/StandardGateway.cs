using Warden.Core.Snapshots;
using Warden.Testing;

namespace Warden.Gateway.Tests.Harness;

/// <summary>
/// A harness with the standard test configuration: providers <c>primary</c> and <c>secondary</c> (both the mock
/// upstream) and <c>dead</c> (nothing listens), and routes exercising each strategy and failure mode.
/// </summary>
public sealed class StandardGateway : IAsyncLifetime
{
    public GatewayHarness Harness { get; } = new();

    public string Key { get; private set; } = "";

    public string OtherProjectKeyRevoked { get; private set; } = "";

    public string ExpiredKey { get; private set; } = "";

    public string RestrictedKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("WARDEN_TEST_ANTHROPIC_KEY", "sk-ant-test-credential");
        await Harness.InitializeAsync();
        var factory = new SnapshotFactory();
        var primary = factory.AddProvider("primary", ProviderKind.Mock, Harness.MockApiBase);
        var secondary = factory.AddProvider("secondary", ProviderKind.OpenAi, Harness.MockApiBase);
        var anthropic = factory.AddProvider("anthropic", ProviderKind.Anthropic, Harness.MockApiBase, "env:WARDEN_TEST_ANTHROPIC_KEY");
        var dead = factory.AddProvider("dead", ProviderKind.OpenAi, new Uri($"http://127.0.0.1:{FreePort.Next()}/v1"));
        factory
            .AddRoute("chat-default", RouteStrategyKind.Single, (primary, "gpt-4o-mini"))
            .AddRoute("embed", RouteStrategyKind.Single, (primary, "text-embedding-3-small"))
            .AddRoute("fallback-503", RouteStrategyKind.Fallback, (primary, "gpt-4o-mini@status=503"), (secondary, "gpt-4o-mini"))
            .AddRoute("fallback-refused", RouteStrategyKind.Fallback, (dead, "gpt-4o-mini"), (secondary, "gpt-4o-mini"))
            .AddRoute("fallback-timeout", RouteStrategyKind.Fallback, TimeSpan.FromMilliseconds(500), 1, (primary, "gpt-4o-mini@hang"), (secondary, "gpt-4o-mini"))
            .AddRoute("always-503", RouteStrategyKind.Single, (primary, "gpt-4o-mini@status=503"))
            .AddRoute("always-429", RouteStrategyKind.Fallback, (primary, "gpt-4o-mini@status=429"), (secondary, "gpt-4o-mini@status=429"))
            .AddRoute("fallback-429", RouteStrategyKind.Fallback, (primary, "gpt-4o-mini@status=429"), (secondary, "gpt-4o-mini"))
            .AddRoute("always-timeout", RouteStrategyKind.Single, TimeSpan.FromMilliseconds(300), 1, (primary, "gpt-4o-mini@hang"))
            .AddRoute("unreachable", RouteStrategyKind.Single, (dead, "gpt-4o-mini"))
            .AddRoute("broken-stream", RouteStrategyKind.Fallback, (primary, "gpt-4o-mini@disconnect=2@tokens=20"), (secondary, "gpt-4o-mini"))
            .AddRoute("slow-stream", RouteStrategyKind.Single, (primary, "gpt-4o-mini@tokens=40@chunk-interval=25"))
            .AddRoute("claude", RouteStrategyKind.Single, (anthropic, "claude-sonnet-4-5"))
            .AddRoute("restricted-model", RouteStrategyKind.Single, (primary, "gpt-4o-mini"));
        Key = factory.AddKey("alice");
        ExpiredKey = factory.AddKey("bob", expires: DateTimeOffset.UtcNow.AddDays(-1));
        OtherProjectKeyRevoked = factory.AddKey("carol", revoked: DateTimeOffset.UtcNow.AddHours(-1));
        var group = new GroupEntry(Guid.NewGuid(), "interns", System.Collections.Frozen.FrozenSet.ToFrozenSet(["chat-default"], StringComparer.Ordinal));
        RestrictedKey = factory.AddKey("dave", [group]);
        Harness.Apply(factory);
    }

    public Task DisposeAsync() => Harness.DisposeAsync();
}
