using System.Collections.Frozen;
using System.Text.Json;
using Warden.Core.Keys;
using Warden.Core.Pricing;
using Warden.Core.Snapshots;
using Warden.Core.Snapshots.Wire;

namespace Warden.Core.Tests.Snapshots;

public sealed class SnapshotWireMapperTests
{
    [Fact]
    public void RoundTrip_ThroughJson_PreservesKeysRoutesGroupsAndPrices()
    {
        var provider = new ProviderEntry(Guid.NewGuid(), "p", ProviderKind.AzureOpenAi, new Uri("https://example.openai.azure.com/"),
            new Dictionary<string, string> { ["api-version"] = "2024-10-21" }.ToFrozenDictionary(), "env:AZURE_KEY");
        var route = new RouteEntry("chat", RouteStrategyKind.Weighted, [new RouteTargetEntry(provider, "gpt-4o", 3, TimeSpan.FromSeconds(7))], 2, TimeSpan.FromMilliseconds(150));
        var project = new ProjectEntry(Guid.NewGuid(), Guid.NewGuid(), "acme", "payments", new Dictionary<string, RouteEntry> { ["chat"] = route }.ToFrozenDictionary());
        var group = new GroupEntry(Guid.NewGuid(), "interns", new[] { "chat" }.ToFrozenSet());
        var consumer = new ConsumerEntry(Guid.NewGuid(), "alice", project, [group]);
        var key = ApiKeyFormat.Generate();
        var revoked = DateTimeOffset.UnixEpoch.AddDays(20000);
        var prices = PriceTable.WithOverrides([KeyValuePair.Create("gpt-4o", new ModelPrice(1.1m, 2.2m, 0.33m, 0.44m))]);
        var original = new ConfigSnapshot(42, DateTimeOffset.UnixEpoch, [new KeyEntry(Guid.NewGuid(), key.PublicId, key.SecretHash, consumer, null, revoked)], [project], prices);

        var json = JsonSerializer.SerializeToUtf8Bytes(SnapshotWireMapper.ToWire(original), SnapshotWireJsonContext.Default.SnapshotWire);
        var copy = SnapshotWireMapper.FromWire(JsonSerializer.Deserialize(json, SnapshotWireJsonContext.Default.SnapshotWire)!, DateTimeOffset.UnixEpoch);

        Assert.Equal(42, copy.Revision);
        var copiedKey = copy.FindKey(key.PublicId)!;
        Assert.Equal(key.SecretHash, copiedKey.SecretHash);
        Assert.Equal(revoked, copiedKey.RevokedAt);
        Assert.Equal("acme.payments.alice", copiedKey.Consumer.QualifiedName);
        Assert.True(copiedKey.Consumer.MayUse("chat"));
        Assert.False(copiedKey.Consumer.MayUse("other"));
        var copiedRoute = copiedKey.Consumer.Project.Routes["chat"];
        Assert.Equal(RouteStrategyKind.Weighted, copiedRoute.Strategy);
        Assert.Equal(2, copiedRoute.MaxAttemptsPerTarget);
        Assert.Equal(TimeSpan.FromMilliseconds(150), copiedRoute.RetryBackoff);
        var target = Assert.Single(copiedRoute.Targets);
        Assert.Equal(("gpt-4o", 3, TimeSpan.FromSeconds(7)), (target.UpstreamModel, target.Weight, target.Timeout));
        Assert.Equal(ProviderKind.AzureOpenAi, target.Provider.Kind);
        Assert.Equal("2024-10-21", target.Provider.Settings["api-version"]);
        Assert.Equal("env:AZURE_KEY", target.Provider.CredentialReference);
        Assert.Equal(new ModelPrice(1.1m, 2.2m, 0.33m, 0.44m), copy.Prices.Find("gpt-4o", null));
        Assert.Equal(prices.Count, copy.Prices.Count);
    }

    [Fact]
    public void FromWire_DanglingReference_IsRejectedWhole()
    {
        var wire = new SnapshotWire
        {
            Revision = 1,
            Keys = [new KeyWire { Id = Guid.NewGuid(), PublicId = "abcdefghijkm", SecretHash = new byte[32], ConsumerId = Guid.NewGuid() }],
        };

        Assert.Throws<InvalidDataException>(() => SnapshotWireMapper.FromWire(wire, DateTimeOffset.UnixEpoch));
    }
}
