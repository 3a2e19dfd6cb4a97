using Warden.MockProvider.Text;

namespace Warden.MockProvider.Tests.Text;

public sealed class MockTextTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(40, 10)]
    [InlineData(4001, 1001)]
    public void CountTokens_IsCharactersOverFourRoundedUpAtLeastOne(int characters, int expected)
    {
        Assert.Equal(expected, MockText.CountTokens(characters));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1023, 0)]
    [InlineData(1024, 512)]
    [InlineData(1300, 640)]
    [InlineData(5000, 2432)]
    public void CachedTokens_IsHalfThePromptInSteps_OnlyAboveTheThreshold(int promptTokens, int expected)
    {
        Assert.Equal(expected, MockText.CachedTokens(promptTokens));
    }

    [Fact]
    public void Tokens_SameSeed_SameWords()
    {
        Assert.Equal(MockText.Tokens(42, 10), MockText.Tokens(42, 10));
        Assert.NotEqual(MockText.Tokens(42, 10), MockText.Tokens(43, 10));
    }

    [Fact]
    public void Tokens_FormASentence()
    {
        var tokens = MockText.Tokens(7, 5);

        Assert.Equal(5, tokens.Length);
        Assert.True(char.IsUpper(tokens[0][0]));
        Assert.All(tokens.Skip(1), t => Assert.StartsWith(" ", t, StringComparison.Ordinal));
        Assert.EndsWith(".", tokens[^1], StringComparison.Ordinal);
        Assert.Equal(5, string.Concat(tokens).Split(' ').Length);
    }

    [Fact]
    public void StableHash_IsFixedAcrossRuns()
    {
        // A regression guard: changing the hash would change every mock answer that tests may have recorded.
        Assert.Equal(0xcbf29ce484222325UL, StableHash.Of(""));
        Assert.Equal(StableHash.Of("hello"), StableHash.Of("hello"));
        Assert.NotEqual(StableHash.Of("hello"), StableHash.Of("hellp"));
    }
}
