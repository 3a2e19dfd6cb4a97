using Warden.Core.Usage;
using Warden.Providers.Json;

namespace Warden.Providers.Tests.Json;

public sealed class OpenAiUsageReaderTests
{
    [Fact]
    public void TryRead_CachedTokens_ReportedAsCacheReadWithinInput()
    {
        var found = OpenAiUsageReader.TryRead("""{"id":"x","choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}"""u8,
            out var usage, out var choicesEmpty);

        Assert.True(found);
        Assert.True(choicesEmpty);
        Assert.Equal(new TokenUsage(2006, 300, 1920, 0), usage);
    }

    [Fact]
    public void TryRead_UsageNull_NotFound()
    {
        var found = OpenAiUsageReader.TryRead("""{"id":"x","choices":[{"index":0,"delta":{"content":"a"}}],"usage":null}"""u8, out _, out var choicesEmpty);

        Assert.False(found);
        Assert.False(choicesEmpty);
    }

    [Fact]
    public void TryRead_NoUsageProperty_NotFound()
    {
        Assert.False(OpenAiUsageReader.TryRead("""{"id":"x","choices":[]}"""u8, out _, out _));
    }

    [Fact]
    public void TryRead_UsageAfterNonEmptyChoices_ReadAndChoicesNotEmpty()
    {
        var found = OpenAiUsageReader.TryRead("""{"choices":[{"index":0,"delta":{"content":"a","tool_calls":[{"index":0}]}},{"index":1,"delta":{}}],"usage":{"prompt_tokens":4,"completion_tokens":1}}"""u8,
            out var usage, out var choicesEmpty);

        Assert.True(found);
        Assert.False(choicesEmpty);
        Assert.Equal(new TokenUsage(4, 1, 0, 0), usage);
    }

    [Fact]
    public void TryRead_ExplicitZeroUsage_Found()
    {
        // A reported zero is real usage and must not be replaced by an estimate.
        Assert.True(OpenAiUsageReader.TryRead("""{"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}"""u8, out var usage, out _));
        Assert.Equal(default, usage);
    }

    [Fact]
    public void TryRead_ResponsesApiNames_Read()
    {
        Assert.True(OpenAiUsageReader.TryRead("""{"usage":{"input_tokens":10,"output_tokens":2,"input_tokens_details":{"cached_tokens":4}}}"""u8, out var usage, out _));
        Assert.Equal(new TokenUsage(10, 2, 4, 0), usage);
    }

    [Theory]
    [InlineData("""{"usage":null}""", false)]
    [InlineData("""{"usage": null, "x":"usage"}""", false)]
    [InlineData("""{"usage" : {"prompt_tokens":1}}""", true)]
    [InlineData("""{"usage":null,"choices":[],"usage":{"prompt_tokens":1}}""", true)]
    [InlineData("""{"choices":[{"delta":{"content":"the \"usage\": {"}}]}""", false)]
    public void MayContainUsage_Chunk_DetectsUsageObject(string json, bool expected)
    {
        Assert.Equal(expected, OpenAiUsageReader.MayContainUsage(System.Text.Encoding.UTF8.GetBytes(json)));
    }
}
