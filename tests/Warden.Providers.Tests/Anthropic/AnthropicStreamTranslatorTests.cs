using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Providers.Abstractions;
using Warden.Providers.Anthropic;
using Warden.Providers.Sse;
using Warden.Providers.Tests.TestSupport;

namespace Warden.Providers.Tests.Anthropic;

public sealed class AnthropicStreamTranslatorTests
{
    private const string Model = "claude-sonnet-4-5-20250929";

    [Theory]
    [InlineData("stream-text", true, "expected-with-usage.sse")]
    [InlineData("stream-text", false, "expected-without-usage.sse")]
    [InlineData("stream-tool-use", false, "expected.sse")]
    [InlineData("stream-error", true, "expected.sse")]
    public void OnEvent_GoldenTranscript_MatchesExpectedChunks(string name, bool clientIncludeUsage, string expectedFile)
    {
        var transcript = GoldenFiles.Bytes($"anthropic/{name}/upstream.sse");

        var output = SseReplay.Whole(transcript, Translator(clientIncludeUsage));

        SseAssert.Equal(GoldenFiles.Bytes($"anthropic/{name}/{expectedFile}"), output, name);
    }

    [Theory]
    [InlineData("stream-text")]
    [InlineData("stream-tool-use")]
    [InlineData("stream-error")]
    public void OnEvent_TranscriptInRandomChunks_SameBytesAsWhole(string name)
    {
        var transcript = GoldenFiles.Bytes($"anthropic/{name}/upstream.sse");
        var whole = SseReplay.Whole(transcript, Translator(true));

        for (var seed = 1; seed <= 40; seed++)
        {
            var chunked = SseReplay.Chunked(transcript, Translator(true), seed);
            Assert.True(whole.AsSpan().SequenceEqual(chunked), $"seed {seed} produced different output");
        }
    }

    [Fact]
    public void OnEvent_TextStream_FinishedWithUsageIncludingCacheReads()
    {
        var translator = Translator(false);

        SseReplay.Whole(GoldenFiles.Bytes("anthropic/stream-text/upstream.sse"), translator);

        Assert.True(translator.IsFinished);
        Assert.Null(translator.UpstreamError);
        Assert.Equal(new TokenUsage(2073, 12, 2048, 0), translator.Usage);
    }

    [Fact]
    public void OnEvent_ToolUseStream_UsageCountsCacheWritesAsInput()
    {
        var translator = Translator(false);

        SseReplay.Whole(GoldenFiles.Bytes("anthropic/stream-tool-use/upstream.sse"), translator);

        Assert.True(translator.IsFinished);
        Assert.Equal(new TokenUsage(2776, 89, 0, 2304), translator.Usage);
    }

    [Fact]
    public void OnEvent_ToolUseStream_ArgumentFragmentsJoinToTheInput()
    {
        var output = SseReplay.Whole(GoldenFiles.Bytes("anthropic/stream-tool-use/upstream.sse"), Translator(false));

        var arguments = new Dictionary<int, StringBuilder>();
        foreach (var (_, data) in SseAssert.Split(Encoding.UTF8.GetString(output)))
        {
            if (data == "[DONE]" || JsonNode.Parse(data)!["choices"]![0]!["delta"]!["tool_calls"] is not JsonArray calls)
            {
                continue;
            }

            var call = calls[0]!;
            var index = call["index"]!.GetValue<int>();
            arguments.TryAdd(index, new StringBuilder());
            arguments[index].Append(call["function"]!["arguments"]!.GetValue<string>());
        }

        Assert.Equal("San Francisco, CA", JsonNode.Parse(arguments[0].ToString())!["location"]!.GetValue<string>());
        Assert.Equal("{}", arguments[1].ToString());
    }

    [Fact]
    public void OnEvent_ErrorAfterContent_ReportsErrorAndIsNotFinished()
    {
        var translator = Translator(true);

        SseReplay.Whole(GoldenFiles.Bytes("anthropic/stream-error/upstream.sse"), translator);

        Assert.False(translator.IsFinished);
        Assert.Equal("overloaded_error: Overloaded", translator.UpstreamError);
        Assert.Equal(new TokenUsage(30, 1, 0, 0), translator.Usage);
    }

    [Fact]
    public void OnEvent_ErrorBeforeAnyContent_WritesNothingSoTheGatewayCanRetry()
    {
        var translator = Translator(true);
        var transcript = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"usage":{"input_tokens":9,"output_tokens":1}}}

            event: ping
            data: {"type": "ping"}

            event: error
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


            """;

        var output = SseReplay.Whole(Encoding.UTF8.GetBytes(transcript.ReplaceLineEndings("\n")), translator);

        Assert.Empty(output);
        Assert.False(translator.IsFinished);
        Assert.Equal("overloaded_error: Overloaded", translator.UpstreamError);
    }

    [Fact]
    public void OnEvent_EmptyAnswer_StillSendsRoleFinishAndDone()
    {
        var transcript = """
            data: {"type":"message_start","message":{"id":"msg_2","model":"claude-x","usage":{"input_tokens":3,"output_tokens":1}}}

            data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":0}}

            data: {"type":"message_stop"}


            """;

        var output = SseReplay.Whole(Encoding.UTF8.GetBytes(transcript.ReplaceLineEndings("\n")), Translator(false));

        var events = SseAssert.Split(Encoding.UTF8.GetString(output));
        Assert.Equal(3, events.Count);
        Assert.Equal("assistant", JsonNode.Parse(events[0].Data)!["choices"]![0]!["delta"]!["role"]!.GetValue<string>());
        Assert.Equal("length", JsonNode.Parse(events[1].Data)!["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal("[DONE]", events[2].Data);
    }

    [Fact]
    public void OnEvent_NoEventLines_DispatchesOnTheDataType()
    {
        // Some Anthropic-compatible upstreams omit "event:" lines; the type inside the data is enough.
        var translator = Translator(true);
        var transcript = """
            data: {"type":"message_start","message":{"id":"msg_3","model":"claude-x","usage":{"input_tokens":3,"output_tokens":1}}}

            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

            data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}

            data: {"type":"message_stop"}


            """;

        var output = SseReplay.Whole(Encoding.UTF8.GetBytes(transcript.ReplaceLineEndings("\n")), translator);

        var events = SseAssert.Split(Encoding.UTF8.GetString(output));
        Assert.Equal(5, events.Count);
        Assert.Equal("Hi", JsonNode.Parse(events[1].Data)!["choices"]![0]!["delta"]!["content"]!.GetValue<string>());
        Assert.Equal(5, JsonNode.Parse(events[3].Data)!["usage"]!["total_tokens"]!.GetValue<int>());
        Assert.True(translator.IsFinished);
    }

    [Fact]
    public void OnEvent_MessageDeltaRepeatsInputAsZero_KeepsTheReportedInput()
    {
        var translator = Translator(false);
        var output = new ArrayBufferWriter<byte>();

        Feed(translator, output, """{"type":"message_start","message":{"id":"m","model":"x","usage":{"input_tokens":100,"cache_read_input_tokens":50,"output_tokens":1}}}""");
        Assert.Equal(new TokenUsage(150, 1, 50, 0), translator.Usage);
        Feed(translator, output, """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":0,"output_tokens":40}}""");

        Assert.Equal(new TokenUsage(150, 40, 50, 0), translator.Usage);
    }

    [Fact]
    public void OnEvent_BeforeMessageStart_NoUsage()
    {
        Assert.Null(Translator(true).Usage);
    }

    [Fact]
    public void OnEvent_EventsAfterMessageStop_Ignored()
    {
        var translator = Translator(false);
        var output = new ArrayBufferWriter<byte>();
        Feed(translator, output, """{"type":"message_start","message":{"id":"m","model":"x","usage":{"input_tokens":1,"output_tokens":1}}}""");
        Feed(translator, output, """{"type":"message_stop"}""");
        var written = output.WrittenCount;

        Feed(translator, output, """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"late"}}""");

        Assert.Equal(written, output.WrittenCount);
    }

    [Fact]
    public void OnEvent_MalformedEventData_Ignored()
    {
        var translator = Translator(false);
        var output = new ArrayBufferWriter<byte>();

        Feed(translator, output, """{"type":"content_block_delta","delta":{"type":"text_delta","text":"unterminated""");

        Assert.Equal(0, output.WrittenCount);
        Assert.Null(translator.UpstreamError);
    }

    [Fact]
    public void OnEvent_TextDeltasAfterWarmUp_AllocateNothing()
    {
        var translator = Translator(false);
        var output = new ArrayBufferWriter<byte>(1 << 20);
        var scratch = new ArrayBufferWriter<byte>(256);
        var start = Encoding.UTF8.GetBytes("""data: {"type":"message_start","message":{"id":"msg_1","model":"claude-x","usage":{"input_tokens":1,"output_tokens":1}}}""" + "\n\n");
        var delta = Encoding.UTF8.GetBytes("""event: content_block_delta""" + "\n" + """data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"token \"quoted\" \u00e9"}}""" + "\n\n");
        Deliver(translator, start, scratch, output);
        for (var i = 0; i < 100; i++)
        {
            Deliver(translator, delta, scratch, output);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Deliver(translator, delta, scratch, output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void CreateStreamTranslator_ClientAskedForUsage_TranslatorWritesUsageChunk()
    {
        var adapter = new AnthropicAdapter(Clock.Golden());
        var call = TestCalls.Call(TestCalls.Provider(ProviderKind.Anthropic, "https://api.anthropic.com/v1"), Model,
            """{"model":"chat","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""u8.ToArray());

        var output = SseReplay.Whole(GoldenFiles.Bytes("anthropic/stream-text/upstream.sse"), adapter.CreateStreamTranslator(call));

        SseAssert.Equal(GoldenFiles.Bytes("anthropic/stream-text/expected-with-usage.sse"), output, "adapter");
    }

    private static AnthropicStreamTranslator Translator(bool clientIncludeUsage) => new(clientIncludeUsage, Model, Clock.Golden());

    private static void Feed(IStreamTranslator translator, ArrayBufferWriter<byte> output, string data)
    {
        var raw = Encoding.UTF8.GetBytes("data: " + data + "\n\n");
        translator.OnEvent(SseParser.Parse(raw, new ArrayBufferWriter<byte>()), raw, output);
    }

    private static void Deliver(IStreamTranslator translator, byte[] raw, ArrayBufferWriter<byte> scratch, ArrayBufferWriter<byte> output)
    {
        translator.OnEvent(SseParser.Parse(raw, scratch), raw, output);
    }
}
