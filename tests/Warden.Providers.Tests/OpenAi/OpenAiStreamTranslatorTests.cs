using System.Buffers;
using System.Text;
using Warden.Core.Usage;
using Warden.Providers.OpenAi;
using Warden.Providers.Sse;

namespace Warden.Providers.Tests.OpenAi;

public sealed class OpenAiStreamTranslatorTests
{
    private const string Content = """data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}""";
    private const string UsageChunk = """data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":3,"total_tokens":14,"prompt_tokens_details":{"cached_tokens":8}}}""";
    private const string Done = "data: [DONE]";

    [Fact]
    public void OnEvent_UsageChunkClientDidNotAskFor_ReadThenStripped()
    {
        var translator = new OpenAiStreamTranslator(clientIncludeUsage: false);

        var output = Play(translator, Content, UsageChunk, Done);

        Assert.Equal(Content + "\n\n" + Done + "\n\n", output);
        Assert.Equal(new TokenUsage(11, 3, 8, 0), translator.Usage);
    }

    [Fact]
    public void OnEvent_UsageChunkClientAskedFor_KeptByteForByte()
    {
        var translator = new OpenAiStreamTranslator(clientIncludeUsage: true);

        var output = Play(translator, Content, UsageChunk, Done);

        Assert.Equal(Content + "\n\n" + UsageChunk + "\n\n" + Done + "\n\n", output);
        Assert.Equal(new TokenUsage(11, 3, 8, 0), translator.Usage);
    }

    [Fact]
    public void OnEvent_UsageOnChunkThatStillCarriesChoices_ReadAndKept()
    {
        // Some OpenAI-compatible servers put the usage on the last content chunk instead of a separate one.
        const string last = """data: {"id":"c1","choices":[{"index":0,"delta":{"content":"!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}}""";
        var translator = new OpenAiStreamTranslator(clientIncludeUsage: false);

        var output = Play(translator, Content, last, Done);

        Assert.Equal(Content + "\n\n" + last + "\n\n" + Done + "\n\n", output);
        Assert.Equal(new TokenUsage(5, 0, 0, 0), translator.Usage);
    }

    [Fact]
    public void OnEvent_Done_SetsFinishedAndIsForwarded()
    {
        var translator = new OpenAiStreamTranslator(clientIncludeUsage: false);

        Assert.False(translator.IsFinished);
        var output = Play(translator, Done);

        Assert.True(translator.IsFinished);
        Assert.Equal(Done + "\n\n", output);
        Assert.Null(translator.Usage);
    }

    [Fact]
    public void OnEvent_ErrorEvent_ReportedAndForwarded()
    {
        const string error = """data: {"error":{"message":"overloaded","type":"server_error"}}""";
        var translator = new OpenAiStreamTranslator(clientIncludeUsage: false);

        var output = Play(translator, Content, error);

        Assert.NotNull(translator.UpstreamError);
        Assert.False(translator.IsFinished);
        Assert.Equal(Content + "\n\n" + error + "\n\n", output);
    }

    private static string Play(OpenAiStreamTranslator translator, params string[] events)
    {
        var output = new ArrayBufferWriter<byte>();
        var scratch = new ArrayBufferWriter<byte>();
        foreach (var text in events)
        {
            var raw = Encoding.UTF8.GetBytes(text + "\n\n");
            translator.OnEvent(SseParser.Parse(raw, scratch), raw, output);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
