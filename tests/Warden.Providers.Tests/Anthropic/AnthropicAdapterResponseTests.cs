using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Providers.Anthropic;
using Warden.Providers.Tests.TestSupport;

namespace Warden.Providers.Tests.Anthropic;

public sealed class AnthropicAdapterResponseTests
{
    private static readonly ProviderEntry s_provider = TestCalls.Provider(ProviderKind.Anthropic, "https://api.anthropic.com/v1");

    private readonly AnthropicAdapter _adapter = new(Clock.Golden());

    [Theory]
    [InlineData("response-text-cache")]
    [InlineData("response-tool-use")]
    public void TranslateResponse_GoldenTranscript_MatchesExpectedCompletion(string name)
    {
        var output = new ArrayBufferWriter<byte>();

        _adapter.TranslateResponse(Call(), GoldenFiles.Bytes($"anthropic/{name}/upstream-response.json"), output);

        JsonAssert.Equal(GoldenFiles.Bytes($"anthropic/{name}/expected-response.json"), output.WrittenSpan, name);
    }

    [Fact]
    public void TranslateResponse_CacheReadAndWrite_UsageCountsCachedPromptTokensAsInput()
    {
        var translation = _adapter.TranslateResponse(Call(), GoldenFiles.Bytes("anthropic/response-text-cache/upstream-response.json"), new ArrayBufferWriter<byte>());

        // input 21 + cache read 3072 + cache write 1200 = 4293 prompt tokens.
        Assert.Equal(new TokenUsage(4293, 19, 3072, 1200), translation.Usage);
    }

    [Fact]
    public void TranslateResponse_ToolUseAnswer_ReportsUsage()
    {
        var translation = _adapter.TranslateResponse(Call(), GoldenFiles.Bytes("anthropic/response-tool-use/upstream-response.json"), new ArrayBufferWriter<byte>());

        Assert.Equal(new TokenUsage(412, 87, 0, 0), translation.Usage);
    }

    [Fact]
    public void TranslateResponse_OnlyToolUse_ContentIsNull()
    {
        var completion = Translate("""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-x","stop_reason":"tool_use","stop_sequence":null,
             "content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{"q":"caf\u00e9 \"x\""}}],
             "usage":{"input_tokens":5,"output_tokens":3}}
            """);

        var message = completion["choices"]![0]!["message"]!;
        Assert.Null(message["content"]);
        Assert.True(message.AsObject().ContainsKey("content"));
        var arguments = message["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>();
        Assert.Equal("""{"q":"caf\u00e9 \"x\""}""", arguments);
        Assert.Equal("café \"x\"", JsonNode.Parse(arguments)!["q"]!.GetValue<string>());
        Assert.Equal("tool_calls", completion["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("pause_turn", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("model_context_window_exceeded", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    [InlineData("some_future_reason", "stop")]
    public void TranslateResponse_StopReason_MapsToFinishReason(string stopReason, string finishReason)
    {
        var completion = Translate($$$"""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"x"}],
             "stop_reason":"{{{stopReason}}}","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}
            """);

        Assert.Equal(finishReason, completion["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public void TranslateResponse_CreatedAndModel_FromClockAndUpstream()
    {
        var completion = Translate("""{"type":"message","id":"msg_9","model":"claude-opus-4-1","content":[],"stop_reason":"end_turn"}""");

        Assert.Equal(Clock.GoldenUnixSeconds, completion["created"]!.GetValue<long>());
        Assert.Equal("claude-opus-4-1", completion["model"]!.GetValue<string>());
        Assert.Equal("msg_9", completion["id"]!.GetValue<string>());
        Assert.Null(completion["choices"]![0]!["message"]!["content"]);
        Assert.False(completion.ContainsKey("usage"));
    }

    [Fact]
    public void TranslateResponse_NoUsageObject_ReportsNoUsage()
    {
        var translation = _adapter.TranslateResponse(Call(), """{"type":"message","id":"m","content":[{"type":"text","text":"x"}],"stop_reason":"end_turn"}"""u8, new ArrayBufferWriter<byte>());

        Assert.Null(translation.Usage);
    }

    [Theory]
    [InlineData("<html>oops</html>")]
    [InlineData("""{"type":"error","error":{"type":"api_error","message":"x"}}""")]
    [InlineData("""{"type":"message","content":[""")]
    public void TranslateResponse_NotAMessage_WritesOpenAiErrorWithoutUsage(string body)
    {
        var output = new ArrayBufferWriter<byte>();

        var translation = _adapter.TranslateResponse(Call(), Encoding.UTF8.GetBytes(body), output);

        Assert.Null(translation.Usage);
        var error = JsonNode.Parse(output.WrittenSpan)!["error"]!;
        Assert.Equal("upstream_error", error["code"]!.GetValue<string>());
    }

    private JsonObject Translate(string upstreamBody)
    {
        var output = new ArrayBufferWriter<byte>();
        _adapter.TranslateResponse(Call(), Encoding.UTF8.GetBytes(upstreamBody), output);
        return JsonNode.Parse(output.WrittenSpan)!.AsObject();
    }

    private static Warden.Providers.Abstractions.UpstreamCall Call() =>
        TestCalls.Call(s_provider, "claude-sonnet-4-5-20250929", """{"model":"chat","messages":[{"role":"user","content":"hi"}]}"""u8.ToArray());
}
