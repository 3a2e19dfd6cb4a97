using System.Buffers;
using BenchmarkDotNet.Attributes;
using Warden.Providers.Json;

namespace Warden.Benchmarks;

/// <summary>
/// The OpenAI request rewrite before forwarding: replace <c>model</c> with the upstream id and force
/// <c>stream_options.include_usage</c>, copying every other property as raw bytes.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RequestRewriteBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(128 * 1024);
    private byte[] _body = null!;

    [Params(1_024, 102_400)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup() => _body = Payloads.ChatBody(BodyBytes);

    [Benchmark(Description = "OpenAI request rewrite (model + include_usage)")]
    public int Rewrite()
    {
        _output.ResetWrittenCount();
        OpenAiRequestRewriter.Rewrite(_body, "gpt-4o-mini-2024-07-18", forceIncludeUsage: true, _output);
        return _output.WrittenCount;
    }
}
