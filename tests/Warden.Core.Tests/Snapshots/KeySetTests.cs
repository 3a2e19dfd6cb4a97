using System.Collections.Frozen;
using Warden.Core.Keys;
using Warden.Core.Snapshots;

namespace Warden.Core.Tests.Snapshots;

public sealed class KeySetTests
{
    private static readonly ProjectEntry s_project = new(Guid.NewGuid(), Guid.NewGuid(), "acme", "payments", FrozenDictionary<string, RouteEntry>.Empty);

    [Fact]
    public void Apply_UpsertRevokeRemove_VisibleThroughFindWithoutTouchingTheBase()
    {
        var alice = Consumer("alice");
        var (k1, k1Entry) = Key(alice);
        var (k2, k2Entry) = Key(alice);
        var baseSet = KeySet.Create("base", 0, [alice], [k1Entry, k2Entry]);
        var (k3, k3Entry) = Key(alice);
        var revokedAt = DateTimeOffset.UnixEpoch.AddDays(1);

        var next = baseSet.Apply(new KeySetChanges([], [], [k3Entry, k1Entry with { RevokedAt = revokedAt }], [k2.PublicId]), 1);

        Assert.Equal(1, next.Sequence);
        Assert.Equal("base", next.BaseId);
        Assert.Equal(2, next.Count);
        Assert.Equal(3, next.OverlayCount);
        Assert.Equal(revokedAt, next.Find(k1.PublicId.AsSpan())!.RevokedAt);
        Assert.Null(next.Find(k2.PublicId.AsSpan()));
        Assert.Same(k3Entry, next.Find(k3.PublicId.AsSpan()));
        // The original is immutable: requests holding it see the old state.
        Assert.Null(baseSet.Find(k1.PublicId.AsSpan())!.RevokedAt);
        Assert.NotNull(baseSet.Find(k2.PublicId.AsSpan()));
        Assert.Null(baseSet.Find(k3.PublicId.AsSpan()));
        Assert.Equal(new[] { k1.PublicId, k3.PublicId }.Order(StringComparer.Ordinal), next.Keys.Select(k => k.PublicId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Apply_AddThenRemoveAKeyNotInTheBase_LeavesNoTrace()
    {
        var alice = Consumer("alice");
        var set = KeySet.Create("base", 0, [alice], []);
        var (k, entry) = Key(alice);

        var added = set.Apply(new KeySetChanges([], [], [entry], []), 1);
        var removed = added.Apply(new KeySetChanges([], [], [], [k.PublicId]), 2);

        Assert.Equal(1, added.Count);
        Assert.Equal(0, removed.Count);
        Assert.Equal(0, removed.OverlayCount);
        Assert.Null(removed.Find(k.PublicId.AsSpan()));
    }

    [Fact]
    public void Apply_ChangedConsumer_RelinksItsKeys_AndRemovedConsumerTakesItsKeys()
    {
        var alice = Consumer("alice");
        var bob = Consumer("bob");
        var (ka, kaEntry) = Key(alice);
        var (kb, kbEntry) = Key(bob);
        var set = KeySet.Create("base", 0, [alice, bob], [kaEntry, kbEntry]);
        var renamed = new ConsumerEntry(alice.Id, "alice2", s_project, []);

        var next = set.Apply(new KeySetChanges([renamed], [bob.Id], [], []), 1);

        Assert.Equal("acme.payments.alice2", next.Find(ka.PublicId.AsSpan())!.Consumer.QualifiedName);
        Assert.Null(next.Find(kb.PublicId.AsSpan()));
        Assert.Null(next.FindConsumer(bob.Id));
        Assert.Equal(1, next.ConsumerCount);
    }

    [Fact]
    public void Apply_OverlayBeyondThreshold_CompactsIntoANewBaseWithTheSameIdentityAndContent()
    {
        var alice = Consumer("alice");
        var set = KeySet.Create("base", 0, [alice], []);
        var added = new List<(GeneratedApiKey Key, KeyEntry Entry)>();
        for (var i = 0; i < KeySet.MinCompactionThreshold; i++)
        {
            added.Add(Key(alice));
        }

        var almost = set.Apply(new KeySetChanges([], [], [.. added.Select(a => a.Entry)], []), 1);
        var (last, lastEntry) = Key(alice);
        var compacted = almost.Apply(new KeySetChanges([], [], [lastEntry], []), 2);
        var afterRemoval = compacted.Apply(new KeySetChanges([], [], [], [added[0].Key.PublicId]), 3);

        Assert.Equal(KeySet.MinCompactionThreshold, almost.OverlayCount);
        Assert.Equal(0, compacted.OverlayCount);
        Assert.Equal(("base", 2L), (compacted.BaseId, compacted.Sequence));
        Assert.Equal(KeySet.MinCompactionThreshold + 1, compacted.Count);
        Assert.Same(lastEntry, compacted.Find(last.PublicId.AsSpan()));
        Assert.NotNull(compacted.Find(added[^1].Key.PublicId.AsSpan()));
        // A removal after compaction is a tombstone over the new base.
        Assert.Null(afterRemoval.Find(added[0].Key.PublicId.AsSpan()));
        Assert.Equal((1, KeySet.MinCompactionThreshold), (afterRemoval.OverlayCount, afterRemoval.Count));
    }

    [Fact]
    public void Relink_NewConfig_ReplacesOnlyConsumersWhoseProjectChanged_AndDropsThoseWhoseProjectIsGone()
    {
        var other = new ProjectEntry(Guid.NewGuid(), s_project.OrganizationId, "acme", "other", FrozenDictionary<string, RouteEntry>.Empty);
        var alice = Consumer("alice");
        var carol = new ConsumerEntry(Guid.NewGuid(), "carol", other, []);
        var (ka, kaEntry) = Key(alice);
        var (kc, kcEntry) = Key(carol);
        var set = KeySet.Create("base", 3, [alice, carol], [kaEntry, kcEntry]);
        var renamedProject = s_project with { Slug = "payments-v2" };

        var sameConfig = set.Relink(new ConfigPart("c1", [s_project, other], []));
        var changed = set.Relink(new ConfigPart("c2", [renamedProject], []));

        Assert.Same(set, sameConfig);
        Assert.Equal(3, changed.Sequence);
        Assert.Equal("acme.payments-v2.alice", changed.Find(ka.PublicId.AsSpan())!.Consumer.QualifiedName);
        Assert.Same(renamedProject, changed.Find(ka.PublicId.AsSpan())!.Consumer.Project);
        Assert.Null(changed.Find(kc.PublicId.AsSpan()));
    }

    [Fact]
    public void RestoreToAnOlderBase_ReplacesEverything_IncludingOverlayChanges()
    {
        var alice = Consumer("alice");
        var (k1, k1Entry) = Key(alice);
        var (k2, k2Entry) = Key(alice);
        var current = KeySet.Create("new-base", 0, [alice], [k1Entry]).Apply(new KeySetChanges([], [], [k2Entry, k1Entry with { RevokedAt = DateTimeOffset.UnixEpoch }], []), 5);

        // The restored database knows k1 (not revoked) and not k2: it arrives as a different base at sequence 0.
        var restored = KeySet.Create("old-base", 0, [alice], [k1Entry]);

        Assert.Equal(2, current.Count);
        Assert.Null(restored.Find(k2.PublicId.AsSpan()));
        Assert.Null(restored.Find(k1.PublicId.AsSpan())!.RevokedAt);
        Assert.Equal(("old-base", 0L), (restored.BaseId, restored.Sequence));
    }

    private static ConsumerEntry Consumer(string name) => new(Guid.NewGuid(), name, s_project, []);

    private static (GeneratedApiKey Key, KeyEntry Entry) Key(ConsumerEntry consumer)
    {
        var key = ApiKeyFormat.Generate();
        return (key, new KeyEntry(Guid.NewGuid(), key.PublicId, key.SecretHash, consumer, null, null));
    }
}
