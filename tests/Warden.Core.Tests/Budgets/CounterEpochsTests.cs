using Warden.Core.Budgets;
using Warden.Core.Snapshots.Wire;

namespace Warden.Core.Tests.Budgets;

public sealed class CounterEpochsTests
{
    [Fact]
    public void Derive_IsDeterministic_IndependentOfOrder_AndChangesWithAnySource()
    {
        var a = CounterEpochs.Derive([KeyValuePair.Create("system", (string?)"7711"), KeyValuePair.Create("timeline", (string?)"1")]);
        var b = CounterEpochs.Derive([KeyValuePair.Create("timeline", (string?)"1"), KeyValuePair.Create("system", (string?)"7711"), KeyValuePair.Create("restore", (string?)null)]);
        var restored = CounterEpochs.Derive([KeyValuePair.Create("system", (string?)"7711"), KeyValuePair.Create("timeline", (string?)"1"), KeyValuePair.Create("restore", (string?)"r1")]);
        var recovered = CounterEpochs.Derive([KeyValuePair.Create("system", (string?)"7711"), KeyValuePair.Create("timeline", (string?)"2")]);

        Assert.Matches("^[0-9a-f]{16}$", a);
        Assert.Equal(a, b);
        Assert.NotEqual(a, restored);
        Assert.NotEqual(a, recovered);
        Assert.Equal("", CounterEpochs.Derive([KeyValuePair.Create("restore", (string?)null), KeyValuePair.Create("system", (string?)"")]));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF", false)]
    [InlineData("ab:cd", false)]
    [InlineData("../etc", false)]
    [InlineData("012345678901234567890123456789012", false)]
    public void IsValid_AcceptsOnlyShortLowerCaseHex(string epoch, bool valid) => Assert.Equal(valid, CounterEpochs.IsValid(epoch));

    [Fact]
    public void KeyPrefix_AddsTheEpochSegment_OnlyWhenThereIsOne()
    {
        Assert.Equal("warden:", CounterEpochs.KeyPrefix("warden:", ""));
        Assert.Equal("warden:00ff:", CounterEpochs.KeyPrefix("warden:", "00ff"));
    }

    [Fact]
    public void ToConfigPart_CarriesTheEpoch_AndRejectsAMalformedOne()
    {
        Assert.Equal("00ff", SnapshotWireMapper.ToConfigPart(new ConfigWire { CounterEpoch = "00ff" }, "c").CounterEpoch);
        Assert.Equal("", SnapshotWireMapper.ToConfigPart(new ConfigWire(), "c").CounterEpoch);
        Assert.Throws<InvalidDataException>(() => SnapshotWireMapper.ToConfigPart(new ConfigWire { CounterEpoch = "x:y" }, "c"));
    }
}
