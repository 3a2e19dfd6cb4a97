using Warden.Core.Keys;
using Warden.Core.Snapshots;
using Warden.Core.Snapshots.Wire;
using Warden.Gateway.Snapshots;

namespace Warden.Gateway.Tests.Snapshots;

/// <summary>How a gateway turns snapshot-channel updates into snapshots, and which updates it refuses.</summary>
public sealed class SnapshotUpdateApplierTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UnixEpoch;
    private readonly Guid _project = Guid.NewGuid();
    private readonly Guid _consumer = Guid.NewGuid();

    [Fact]
    public void FirstUpdate_WithoutConfigOrBase_IsRejected()
    {
        var update = new SnapshotUpdateWire { Revision = 1, ConfigId = "c1", KeyBaseId = "b1" };

        Assert.Throws<InvalidDataException>(() => SnapshotUpdateApplier.Apply(null, update, s_now));
    }

    [Fact]
    public void Delta_AppliesOnTheHeldBase_AndADeltaFromAnotherSequenceIsRejected()
    {
        var (k1, first) = Start();
        var k2 = ApiKeyFormat.Generate();
        var delta = new SnapshotUpdateWire
        {
            Revision = 6, ConfigId = "c1", KeyBaseId = "b1", KeyBaseSequence = 0, KeySequence = 1,
            KeyDelta = new KeyDeltaWire { FromSequence = 0, ToSequence = 1, Keys = [KeyWire(k2), KeyWire(k1, revoked: true)] },
        };
        var wrongSequence = new SnapshotUpdateWire
        {
            Revision = 7, ConfigId = "c1", KeyBaseId = "b1", KeySequence = 3,
            KeyDelta = new KeyDeltaWire { FromSequence = 2, ToSequence = 3, RemovedKeys = [k2.PublicId] },
        };

        var next = SnapshotUpdateApplier.Apply(first, delta, s_now);

        Assert.Equal("key delta of 2", next.What);
        Assert.Same(first.Config, next.Snapshot.Config);
        Assert.Equal(("b1", 1L, 2), (next.Snapshot.Keys.BaseId, next.Snapshot.Keys.Sequence, next.Snapshot.Keys.Count));
        Assert.NotNull(next.Snapshot.FindKey(k1.PublicId)!.RevokedAt);
        Assert.NotNull(next.Snapshot.FindKey(k2.PublicId));
        Assert.Throws<InvalidDataException>(() => SnapshotUpdateApplier.Apply(next.Snapshot, wrongSequence, s_now));
    }

    [Fact]
    public void ConfigOnly_RelinksKeysToTheNewProject_KeepingTheKeyPosition()
    {
        var (k1, first) = Start();
        var config = Config("gpt-4.1");

        var next = SnapshotUpdateApplier.Apply(first, new SnapshotUpdateWire { Revision = 9, ConfigId = "c2", Config = config, KeyBaseId = "b1", KeySequence = 0 }, s_now);

        Assert.Equal("configuration", next.What);
        Assert.Equal(("b1", 0L), (next.Snapshot.Keys.BaseId, next.Snapshot.Keys.Sequence));
        Assert.Equal("gpt-4.1", next.Snapshot.FindKey(k1.PublicId)!.Consumer.Project.Routes["chat"].Targets[0].UpstreamModel);
    }

    [Fact]
    public void NewBaseAtALowerRevision_IsFollowed_DroppingEverythingOfTheOldBase()
    {
        var (k1, first) = Start(revision: 40);
        var restoredKey = ApiKeyFormat.Generate();
        var restore = new SnapshotUpdateWire
        {
            Revision = 12, ConfigId = "c1", KeyBaseId = "b0", KeyBaseSequence = 0, KeySequence = 0,
            KeyBase = new KeyBaseWire { Consumers = [ConsumerWire()], Keys = [KeyWire(restoredKey)] },
        };

        var next = SnapshotUpdateApplier.Apply(first, restore, s_now);

        Assert.Equal(12, next.Snapshot.Revision);
        Assert.Equal("b0", next.Snapshot.Keys.BaseId);
        Assert.Null(next.Snapshot.FindKey(k1.PublicId));
        Assert.NotNull(next.Snapshot.FindKey(restoredKey.PublicId));
    }

    private (GeneratedApiKey Key, ConfigSnapshot Snapshot) Start(long revision = 5)
    {
        var key = ApiKeyFormat.Generate();
        var update = new SnapshotUpdateWire
        {
            Revision = revision, ConfigId = "c1", Config = Config("gpt-4o"), KeyBaseId = "b1", KeyBaseSequence = 0, KeySequence = 0,
            KeyBase = new KeyBaseWire { Consumers = [ConsumerWire()], Keys = [KeyWire(key)] },
        };
        return (key, SnapshotUpdateApplier.Apply(null, update, s_now).Snapshot);
    }

    private ConfigWire Config(string upstreamModel)
    {
        var provider = Guid.Parse("00000000-0000-0000-0000-000000000001");
        return new ConfigWire
        {
            Projects =
            [
                new ProjectWire
                {
                    Id = _project, OrganizationId = Guid.Empty, OrganizationSlug = "acme", Slug = "payments",
                    Providers = [new ProviderWire { Id = provider, Name = "mock", Kind = ProviderKind.Mock, BaseUrl = "http://127.0.0.1:9/v1" }],
                    Routes = [new RouteWire { LogicalModel = "chat", Targets = [new RouteTargetWire { ProviderId = provider, UpstreamModel = upstreamModel, TimeoutMs = 1000 }] }],
                },
            ],
        };
    }

    private ConsumerWire ConsumerWire() => new() { Id = _consumer, Name = "svc", ProjectId = _project };

    private KeyWire KeyWire(GeneratedApiKey key, bool revoked = false) => new()
    {
        Id = Guid.NewGuid(), PublicId = key.PublicId, SecretHash = key.SecretHash, ConsumerId = _consumer, RevokedAt = revoked ? s_now : null,
    };
}
