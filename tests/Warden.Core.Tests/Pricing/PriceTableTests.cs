using Warden.Core.Pricing;
using Warden.Core.Usage;

namespace Warden.Core.Tests.Pricing;

public sealed class PriceTableTests
{
    private static readonly ModelPrice s_price = new(2.50m, 10.00m, 1.25m, 3.75m);

    [Fact]
    public void Cost_PlainUsage_IsTokensTimesRatePerMillion_Exactly()
    {
        var cost = PriceTable.Cost(s_price, new TokenUsage(1_000, 500, 0, 0));

        Assert.Equal(0.0075m, cost); // 1000 × 2.50 / 1e6 + 500 × 10 / 1e6
    }

    [Fact]
    public void Cost_CachedTokens_AreBilledAtTheCacheRates_NotTheInputRate()
    {
        // 1,000 prompt tokens of which 600 were cache reads and 100 cache writes.
        var cost = PriceTable.Cost(s_price, new TokenUsage(1_000, 0, 600, 100));

        Assert.Equal((300 * 2.50m + 600 * 1.25m + 100 * 3.75m) / 1_000_000m, cost);
    }

    [Fact]
    public void Cost_OneToken_KeepsFullDecimalPrecision()
    {
        Assert.Equal(0.000000075m, PriceTable.Cost(new ModelPrice(0.075m, 0m, 0m, 0m), new TokenUsage(1, 0, 0, 0)));
    }

    [Fact]
    public void WithOverrides_ManualEntryWins_OverTheShippedDefault()
    {
        var table = PriceTable.WithOverrides([KeyValuePair.Create("gpt-4o-mini", new ModelPrice(9m, 9m, 9m, 9m))]);

        Assert.Equal(9m, table.Find("gpt-4o-mini", null)!.InputPerMillion);
        Assert.Equal(DefaultPrices.All["gpt-4o"], table.Find("gpt-4o", null));
    }

    [Fact]
    public void Find_PrefersUpstreamModel_ThenLogicalName()
    {
        var table = new PriceTable([KeyValuePair.Create("upstream-x", s_price), KeyValuePair.Create("logical-y", new ModelPrice(1m, 1m, 1m, 1m))]);

        Assert.Same(s_price, table.Find("upstream-x", "logical-y"));
        Assert.Equal(1m, table.Find("unknown-upstream", "logical-y")!.InputPerMillion);
        Assert.Null(table.Find("unknown", "also-unknown"));
    }

    [Theory]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("claude-3-5-haiku-20241022", "claude-3-5-haiku")]
    [InlineData("GPT-4O-MINI", "gpt-4o-mini")]
    public void Find_DatedOrDifferentlyCasedIds_FallBackToTheBaseModel(string upstream, string expectedKey)
    {
        Assert.Equal(DefaultPrices.All[expectedKey], PriceTable.Default.Find(upstream, null));
    }

    [Fact]
    public void Cost_UnknownModel_IsNull()
    {
        Assert.Null(PriceTable.Default.Cost("my-private-model", "my-logical", new TokenUsage(10, 10, 0, 0)));
    }
}
