namespace Warden.MockProvider.Tests;

public sealed class MockProviderOptionsTests
{
    [Fact]
    public void Validate_Defaults_ReturnsNoErrors()
    {
        Assert.Empty(new MockProviderOptions().Validate());
    }

    [Theory]
    [InlineData(399)]
    [InlineData(200)]
    [InlineData(600)]
    public void Validate_FailStatusOutOfRange_NamesTheFlag(int status)
    {
        var errors = new MockProviderOptions { FailStatus = status }.Validate();

        var error = Assert.Single(errors);
        Assert.StartsWith("--fail-status must be 400-599", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(429)]
    [InlineData(529)]
    [InlineData(599)]
    public void Validate_FailStatusInRange_IsAccepted(int status)
    {
        Assert.Empty(new MockProviderOptions { FailStatus = status }.Validate());
    }

    public static TheoryData<string, Action<MockProviderOptions>> BadOptions => new()
    {
        { "--url", o => o.Url = new Uri("https://127.0.0.1:9090") },
        { "--url", o => o.Url = new Uri("http://127.0.0.1:9090/v1") },
        { "--latency", o => o.Latency = TimeSpan.FromMilliseconds(-1) },
        { "--chunk-interval", o => o.ChunkInterval = TimeSpan.FromMilliseconds(-5) },
        { "--output-tokens", o => o.OutputTokens = -1 },
        { "--output-tokens", o => o.OutputTokens = MockProviderOptions.MaxOutputTokens + 1 },
        { "--disconnect-after", o => o.DisconnectAfterChunks = -1 },
        { "--embedding-dimensions", o => o.EmbeddingDimensions = 0 },
        { "--embedding-dimensions", o => o.EmbeddingDimensions = MockProviderOptions.MaxEmbeddingDimensions + 1 },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_BadOption_NamesItsFlag(string flag, Action<MockProviderOptions> spoil)
    {
        var options = new MockProviderOptions();
        spoil(options);

        var error = Assert.Single(options.Validate());
        Assert.StartsWith(flag + " ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralBadOptions_ReturnsOneErrorEach()
    {
        var options = new MockProviderOptions { FailStatus = 42, OutputTokens = -3, EmbeddingDimensions = 0 };

        Assert.Equal(3, options.Validate().Count);
    }

    [Fact]
    public void Build_InvalidOptions_ThrowsWithTheMessages()
    {
        var exception = Assert.Throws<ArgumentException>(() => MockProviderServer.Build(new MockProviderOptions { FailStatus = 700 }));

        Assert.Contains("--fail-status must be 400-599", exception.Message, StringComparison.Ordinal);
    }
}
