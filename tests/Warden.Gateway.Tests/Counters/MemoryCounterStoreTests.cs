using Warden.Gateway.Counters;

namespace Warden.Gateway.Tests.Counters;

/// <summary>The counter-store contract on the in-process store.</summary>
public sealed class MemoryCounterStoreTests : CounterStoreContract
{
    private readonly MemoryCounterStore _store = new();

    protected override ICounterStore Store => _store;

    protected override Task<(long Settled, long Reserved)> ReadAsync(string key) => Task.FromResult(_store.ReadRaw(key));
}
