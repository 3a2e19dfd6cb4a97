using Microsoft.Extensions.Logging.Abstractions;
using Warden.Core.Snapshots;
using Warden.Gateway.Counters;
using Warden.Gateway.Snapshots;

namespace Warden.Gateway.Tests.Counters;

/// <summary>A snapshot with a new counter epoch makes the in-process store forget the old epoch's counters.</summary>
public sealed class CounterEpochWatcherTests
{
    [Fact]
    public async Task NewEpochApplied_MemoryStoreDropsTheOldEpochsCounters_AndKeepsTheNewOnes()
    {
        var snapshots = new SnapshotStore();
        var store = new MemoryCounterStore();
        var options = new GatewayOptions();
        var watcher = new CounterEpochWatcher(snapshots, store, options, NullLogger<CounterEpochWatcher>.Instance);
        await store.SeedAsync([new CounterSeed("warden:00000000000000a1:b:consumer:x:2026-11", 7, DateTimeOffset.UtcNow.AddDays(1))], CancellationToken.None);

        snapshots.Apply(Snapshot("00000000000000a1"));
        Assert.Equal(1, store.Count);                       // the first epoch keeps what it has
        await store.SeedAsync([new CounterSeed("warden:00000000000000b2:b:consumer:x:2026-11", 9, DateTimeOffset.UtcNow.AddDays(1))], CancellationToken.None);

        snapshots.Apply(Snapshot("00000000000000b2"));

        Assert.Equal("00000000000000b2", watcher.Epoch);
        Assert.Equal((0L, 0L), store.ReadRaw("warden:00000000000000a1:b:consumer:x:2026-11"));
        Assert.Equal((9L, 0L), store.ReadRaw("warden:00000000000000b2:b:consumer:x:2026-11"));
        Assert.Equal(1, store.Count);
        await watcher.StopAsync(CancellationToken.None);
    }

    private static ConfigSnapshot Snapshot(string epoch) =>
        new(1, DateTimeOffset.UtcNow, new ConfigPart("", [], []) { CounterEpoch = epoch }, KeySet.Empty);
}
