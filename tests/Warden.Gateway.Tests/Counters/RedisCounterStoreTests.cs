using Warden.Gateway.Counters;
using Warden.Testing;

namespace Warden.Gateway.Tests.Counters;

/// <summary>The counter-store contract on the suite's real Redis (every scenario under its own key prefix).</summary>
public sealed class RedisCounterStoreTests : CounterStoreContract, IAsyncLifetime
{
    private readonly RedisCounterStore _store = new(new CounterOptions { Store = CounterStoreKind.Redis, Redis = TestEnvironment.RedisEndpoint });

    protected override ICounterStore Store => _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    protected override Task<(long Settled, long Reserved)> ReadAsync(string key) => _store.ReadAsync(key);
}
