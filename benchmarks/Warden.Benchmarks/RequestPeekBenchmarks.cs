using BenchmarkDotNet.Attributes;
using Warden.Gateway.Parsing;
using Warden.Providers.Abstractions;

namespace Warden.Benchmarks;

/// <summary>One validating <c>Utf8JsonReader</c> pass over a chat request body (<see cref="RequestPeeker"/>).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RequestPeekBenchmarks
{
    private byte[] _body = null!;
    private readonly RequestFacts _facts = new();

    [Params(1_024, 102_400)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = Payloads.ChatBody(BodyBytes);
        if (RequestPeeker.Peek(_body, OperationKind.ChatCompletions, _facts) is { } error)
        {
            throw new InvalidOperationException("Fixture body is invalid: " + error);
        }
    }

    [Benchmark(Description = "request peek (chat)")]
    public PeekError? Peek() => RequestPeeker.Peek(_body, OperationKind.ChatCompletions, _facts);
}
