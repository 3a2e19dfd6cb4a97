using System.Buffers;
using System.Text;
using Warden.Providers.Sse;
using Warden.Providers.Tests.TestSupport;

namespace Warden.Providers.Tests.Sse;

public sealed class SseFramingTests
{
    public static TheoryData<string> Transcripts() => new()
    {
        "anthropic/stream-text/upstream.sse",
        "anthropic/stream-tool-use/upstream.sse",
        "anthropic/stream-error/upstream.sse",
        "azure/stream-usage/upstream.sse",
    };

    [Theory]
    [MemberData(nameof(Transcripts))]
    public void TryReadEvent_TranscriptInRandomChunks_SameEventsAsWhole(string path)
    {
        var transcript = GoldenFiles.Bytes(path);
        var expected = SseAssert.Split(Encoding.UTF8.GetString(transcript));

        for (var seed = 1; seed <= 50; seed++)
        {
            Assert.Equal(expected, SseReplay.Events(transcript, seed));
        }
    }

    [Theory]
    [MemberData(nameof(Transcripts))]
    public void TryReadEvent_CrLfTranscriptInRandomChunks_SameEventsAsLf(string path)
    {
        var transcript = GoldenFiles.Bytes(path);
        var crlf = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(transcript).Replace("\n", "\r\n", StringComparison.Ordinal));
        var expected = SseAssert.Split(Encoding.UTF8.GetString(transcript));

        for (var seed = 1; seed <= 20; seed++)
        {
            Assert.Equal(expected, SseReplay.Events(crlf, seed));
        }
    }

    [Fact]
    public void TryReadEvent_IncompleteEvent_ReturnsFalseAndKeepsTheBytes()
    {
        var buffer = new ReadOnlySequence<byte>("data: {\"a\":1}\n"u8.ToArray());

        Assert.False(SseFraming.TryReadEvent(ref buffer, out _));
        Assert.Equal(14, buffer.Length);
    }

    [Fact]
    public void TryReadEvent_StrayBlankLinesBetweenEvents_Skipped()
    {
        var buffer = new ReadOnlySequence<byte>("\n\r\ndata: a\n\n\n\ndata: b\r\n\r\n"u8.ToArray());

        Assert.True(SseFraming.TryReadEvent(ref buffer, out var first));
        Assert.True(SseFraming.TryReadEvent(ref buffer, out var second));

        Assert.Equal("data: a\n\n", Encoding.UTF8.GetString(first.ToArray()));
        Assert.Equal("data: b\r\n\r\n", Encoding.UTF8.GetString(second.ToArray()));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Parse_MultiLineDataCommentsAndNoSpace_JoinedPerSpecification()
    {
        var scratch = new ArrayBufferWriter<byte>();

        var parsed = SseParser.Parse(": keep-alive\nevent:content_block_delta\ndata:{\"a\":\ndata: 1}\nid: 7\n\n"u8, scratch);

        Assert.Equal("content_block_delta", Encoding.UTF8.GetString(parsed.Name));
        Assert.Equal("{\"a\":\n1}", Encoding.UTF8.GetString(parsed.Data));
    }

    [Fact]
    public void Parse_Done_Recognised()
    {
        var parsed = SseParser.Parse("data: [DONE]\r\n\r\n"u8, new ArrayBufferWriter<byte>());

        Assert.True(parsed.IsDone);
        Assert.True(parsed.Name.IsEmpty);
    }
}
