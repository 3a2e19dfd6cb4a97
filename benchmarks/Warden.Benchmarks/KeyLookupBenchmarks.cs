using System.Collections.Frozen;
using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Warden.Core.Keys;
using Warden.Core.Snapshots;

namespace Warden.Benchmarks;

/// <summary>
/// The key gate: parse the presented key, find it by public id among 100,000 keys in a snapshot, and verify the
/// secret's SHA-256 in constant time.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class KeyLookupBenchmarks
{
    private const int KeyCount = 100_000;

    private ConfigSnapshot _snapshot = null!;
    private string _presentedKey = null!;
    private string _unknownKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        var project = new ProjectEntry(Guid.NewGuid(), Guid.NewGuid(), "acme", "payments", FrozenDictionary<string, RouteEntry>.Empty);
        var consumer = new ConsumerEntry(Guid.NewGuid(), "alice", project, ImmutableArray<GroupEntry>.Empty);
        var keys = new List<KeyEntry>(KeyCount);
        string? middle = null;
        for (var i = 0; i < KeyCount; i++)
        {
            var generated = ApiKeyFormat.Generate();
            keys.Add(new KeyEntry(Guid.NewGuid(), generated.PublicId, generated.SecretHash, consumer, null, null));
            if (i == KeyCount / 2)
            {
                middle = generated.Key;
            }
        }

        _snapshot = new ConfigSnapshot(1, DateTimeOffset.UnixEpoch, keys, [project]);
        _presentedKey = middle!;
        _unknownKey = ApiKeyFormat.Generate().Key;
    }

    [Benchmark(Description = "key parse+find+verify (100k keys, hit)")]
    public bool ParseFindVerify() => Authenticate(_presentedKey);

    [Benchmark(Description = "key parse+find (100k keys, unknown id)")]
    public bool ParseFindUnknown() => Authenticate(_unknownKey);

    private bool Authenticate(string presented)
    {
        if (!ApiKeyFormat.TryParse(presented, out var publicId, out var secret))
        {
            return false;
        }

        var entry = _snapshot.FindKey(publicId);
        return entry is not null && ApiKeyFormat.Verify(secret, entry.SecretHash);
    }
}
