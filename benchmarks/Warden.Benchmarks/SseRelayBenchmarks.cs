using System.Buffers;
using BenchmarkDotNet.Attributes;
using Warden.Core.Usage;
using Warden.Providers.Abstractions;
using Warden.Providers.Anthropic;
using Warden.Providers.Json;
using Warden.Providers.OpenAi;
using Warden.Providers.Sse;

namespace Warden.Benchmarks;

/// <summary>
/// Per-chunk cost of the streaming path: frame one event out of the received bytes, parse its fields, and hand it
/// to the stream translator, which writes into a buffer reused for the whole stream (as the relay does).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SseRelayBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private OpenAiStreamTranslator _openAi = null!;
    private AnthropicStreamTranslator _anthropic = null!;

    [GlobalSetup]
    public void Setup()
    {
        _openAi = new OpenAiStreamTranslator(clientIncludeUsage: false);
        _anthropic = new AnthropicStreamTranslator(clientIncludeUsage: false, "claude-sonnet-4-5", TimeProvider.System);
        Relay(_anthropic, Payloads.AnthropicMessageStart);
        Relay(_anthropic, Payloads.AnthropicBlockStart);
        if (Relay(_openAi, Payloads.OpenAiContentChunk) != Payloads.OpenAiContentChunk.Length)
        {
            throw new InvalidOperationException("The pass-through path did not copy the chunk.");
        }

        if (Relay(_anthropic, Payloads.AnthropicTextDelta) == 0)
        {
            throw new InvalidOperationException("The Anthropic text delta produced no chunk.");
        }
    }

    [Benchmark(Description = "SSE relay per chunk, OpenAI pass-through")]
    public int OpenAiPassThroughChunk() => Relay(_openAi, Payloads.OpenAiContentChunk);

    [Benchmark(Description = "SSE relay, OpenAI final usage chunk (read + drop)")]
    public int OpenAiUsageChunk() => Relay(_openAi, Payloads.OpenAiUsageChunk);

    [Benchmark(Description = "usage extraction (MayContainUsage + TryRead)")]
    public TokenUsage UsageExtraction()
    {
        // The data payload of the final usage chunk, without "data: " and the trailing empty line.
        var data = Payloads.OpenAiUsageChunk.AsSpan(6, Payloads.OpenAiUsageChunk.Length - 8);
        return OpenAiUsageReader.MayContainUsage(data) && OpenAiUsageReader.TryRead(data, out var usage, out _) ? usage : default;
    }

    [Benchmark(Description = "SSE relay per chunk, Anthropic text_delta -> OpenAI chunk")]
    public int AnthropicTextDeltaChunk() => Relay(_anthropic, Payloads.AnthropicTextDelta);

    private int Relay<T>(T translator, byte[] received)
        where T : IStreamTranslator
    {
        _output.ResetWrittenCount();
        var buffer = new ReadOnlySequence<byte>(received);
        while (SseFraming.TryReadEvent(ref buffer, out var rawEvent))
        {
            // Events arrive in one segment in practice; the relay copies only when an event spans segments.
            var raw = rawEvent.FirstSpan;
            var sseEvent = SseParser.Parse(raw, _scratch);
            translator.OnEvent(sseEvent, raw, _output);
        }

        return _output.WrittenCount;
    }
}
