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
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("gpt-4.1-2025-04-14", "gpt-4.1")]
    [InlineData("gpt-5-2025-08-07", "gpt-5")]
    [InlineData("claude-3-5-haiku-20241022", "claude-3-5-haiku")]
    [InlineData("claude-3-5-haiku-latest", "claude-3-5-haiku")]
    [InlineData("claude-sonnet-4-20250514", "claude-sonnet-4")]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("claude-opus-4-1-20250805", "claude-opus-4-1")]
    [InlineData("GPT-4O-MINI", "gpt-4o-mini")]
    public void Find_DatedOrDifferentlyCasedIds_FallBackToTheBaseModel(string upstream, string expectedKey)
    {
        Assert.Equal(DefaultPrices.All[expectedKey], PriceTable.Default.Find(upstream, null));
    }

    [Fact]
    public void Find_DatedUpstreamId_WinsOverTheLogicalName()
    {
        // The logical name "gpt-4o-mini" is routed to gpt-4o: what was served is what is billed.
        Assert.Equal(DefaultPrices.All["gpt-4o"], PriceTable.Default.Find("gpt-4o-2024-08-06", "gpt-4o-mini"));
    }

    [Fact]
    public void Find_UnpricedUpstream_FallsBackToTheLogicalNameAndItsBase()
    {
        Assert.Equal(DefaultPrices.All["gpt-4o"], PriceTable.Default.Find("my-azure-deployment", "gpt-4o-2024-11-20"));
    }

    [Fact]
    public void Find_ExactDatedOverride_WinsOverTheBaseModelsPrice()
    {
        var dated = new ModelPrice(5m, 15m, 2.5m, 0m);
        var table = PriceTable.WithOverrides([KeyValuePair.Create("gpt-4o-2024-05-13", dated)]);

        Assert.Same(dated, table.Find("gpt-4o-2024-05-13", null));
        Assert.Equal(DefaultPrices.All["gpt-4o"], table.Find("gpt-4o-2024-08-06", null));
    }

    [Fact]
    public void WithOverrides_OverrideOfTheBaseModel_AppliesToItsDatedIds()
    {
        var manual = new ModelPrice(1m, 2m, 0.5m, 0m);
        var table = PriceTable.WithOverrides([KeyValuePair.Create("GPT-4O", manual)]);

        Assert.Same(manual, table.Find("gpt-4o-2024-08-06", "chat"));
        Assert.Equal(0.003m, table.Cost("gpt-4o-2024-08-06", "chat", new TokenUsage(1_000, 1_000, 0, 0))); // (1000 × 1 + 1000 × 2) / 1e6
    }

    [Theory]
    [InlineData("gpt-4o-2024")]
    [InlineData("model-123")]
    [InlineData("latest")]
    [InlineData("-latest")]
    public void Find_SuffixesThatAreNotSnapshotDates_AreNotTrimmed(string upstream)
    {
        var table = new PriceTable([KeyValuePair.Create("gpt-4o", s_price), KeyValuePair.Create("model", s_price)]);

        Assert.Null(table.Find(upstream, null));
    }

    [Fact]
    public void Cost_OpenAiCachedPrompt_DefaultGpt4oMini_IsExact()
    {
        // 12,345 prompt tokens of which 10,240 cached, 678 completion tokens, at the shipped gpt-4o-mini rates:
        // 2,105 × 0.15 + 10,240 × 0.075 + 678 × 0.60 = 315.75 + 768 + 406.8 = 1,490.55 USD per 1e6 tokens.
        var cost = PriceTable.Default.Cost("gpt-4o-mini-2024-07-18", "chat", new TokenUsage(12_345, 678, 10_240, 0));

        Assert.Equal(0.00149055m, cost);
    }

    [Fact]
    public void Cost_AnthropicCacheReadAndWrite_DefaultSonnet45_IsExact()
    {
        // Anthropic reports input 100, cache read 20,000 and cache creation 3,000 separately; the gateway's usage counts
        // all 23,100 as prompt tokens. 100 × 3 + 20,000 × 0.30 + 3,000 × 3.75 + 500 × 15 = 300 + 6,000 + 11,250 + 7,500.
        var cost = PriceTable.Default.Cost("claude-sonnet-4-5-20250929", null, new TokenUsage(23_100, 500, 20_000, 3_000));

        Assert.Equal(0.02505m, cost);
    }

    [Fact]
    public void Cost_ManyRequests_SumsWithoutRoundingDrift()
    {
        var price = DefaultPrices.All["gpt-4.1-nano"];
        var sum = 0m;
        for (var i = 0; i < 1_000_000; i++)
        {
            sum += PriceTable.Cost(price, new TokenUsage(1, 0, 0, 0));
        }

        Assert.Equal(0.1m, sum); // 1e6 × 0.10 / 1e6 exactly; a double would drift
    }

    [Fact]
    public void Cost_UnknownModel_IsNull()
    {
        Assert.Null(PriceTable.Default.Cost("my-private-model", "my-logical", new TokenUsage(10, 10, 0, 0)));
    }
}
