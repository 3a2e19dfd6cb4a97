using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Warden.Core.Snapshots;
using Warden.Gateway.Tests.Harness;
using Warden.Testing;

namespace Warden.Gateway.Tests;

/// <summary>Runs alone: it counts the process's allocations, which tests running in parallel would add to.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurementCollection
{
    public const string Name = "Allocation measurement";
}

/// <summary>
/// Allocations per relayed SSE chunk in the running gateway (not in isolation): the gateway runs in this process, the
/// upstream is a separate <c>warden mock-provider</c> process, and the client reads the stream into one reused buffer.
/// Long and short streams are compared, so everything a request costs once (routing, usage event, headers) cancels
/// out and what is left is the cost of each chunk. An allocation figure, not a timing.
/// </summary>
[Collection(AllocationMeasurementCollection.Name)]
public sealed class SseRelayAllocationTests : IAsyncLifetime
{
    private const int Streams = 20;
    private const int LongTokens = 2_000;
    private const int ShortTokens = 10;

    private readonly GatewayHarness _harness = new();
    private WardenProcess? _mock;
    private string _key = "";

    public async Task InitializeAsync()
    {
        await _harness.InitializeAsync();
        var mockUrl = FreePort.NextUrl();
        _mock = WardenProcess.Start(["mock-provider", "--url", mockUrl.ToString().TrimEnd('/')]);
        await _mock.WaitForHttpOkAsync(new Uri(mockUrl, "/v1/models"), TimeSpan.FromSeconds(60));

        var factory = new SnapshotFactory();
        var provider = factory.AddProvider("mock", ProviderKind.OpenAi, new Uri(mockUrl, "/v1"));
        factory.AddRoute("long", RouteStrategyKind.Single, (provider, $"gpt-4o-mini@tokens={LongTokens}"));
        factory.AddRoute("short", RouteStrategyKind.Single, (provider, $"gpt-4o-mini@tokens={ShortTokens}"));
        _key = factory.AddKey();
        _harness.Apply(factory);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        if (_mock is not null)
        {
            await _mock.DisposeAsync();
        }
    }

    [Fact]
    public async Task PassThroughStream_PerChunkAllocation_InTheRunningGateway_IsReported_AndBelowOneObjectPerChunk()
    {
        using var http = new HttpClient { BaseAddress = _harness.GatewayUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        var buffer = new byte[64 * 1024];

        // Warm up every path (JIT, pools, connections) before measuring.
        for (var i = 0; i < 5; i++)
        {
            await StreamAsync(http, "long", buffer);
            await StreamAsync(http, "short", buffer);
        }

        var (shortBytes, shortChunks) = await MeasureAsync(http, "short", buffer);
        var (longBytes, longChunks) = await MeasureAsync(http, "long", buffer);

        var perChunk = (double)(longBytes - shortBytes) / (longChunks - shortChunks);
        var figures = JsonSerializer.Serialize(new { streams = Streams, shortChunks, longChunks, shortBytes, longBytes, bytesPerChunk = perChunk });
        Console.WriteLine("SSE relay allocations: " + figures);
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "sse-relay-allocations.json"), figures);

        Assert.Equal((long)Streams * (LongTokens - ShortTokens), longChunks - shortChunks);

        // The relay allocates nothing per chunk; what remains (about 11 bytes per chunk when measured) is the socket
        // layer's per-operation cost — async state-machine boxes of the chunked reads from the upstream and of the
        // flushes to the client, when a read or flush does not complete synchronously — shared by however many chunks
        // one I/O operation carries, plus background noise of the test process. Any object made per chunk (24 bytes
        // or more each, strings and parsed JSON far more) would push the figure past this bound.
        Assert.True(perChunk < 32, $"{perChunk:F1} bytes allocated per relayed chunk: {figures}");
    }

    private static async Task<(long Bytes, long Chunks)> MeasureAsync(HttpClient http, string model, byte[] buffer)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        long chunks = 0;
        for (var i = 0; i < Streams; i++)
        {
            chunks += await StreamAsync(http, model, buffer);
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before, chunks);
    }

    // Reads one stream to its end and counts its content chunks ("data: {" lines that carry a content delta).
    private static async Task<long> StreamAsync(HttpClient http, string model, byte[] buffer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"Tell me a story."}]}""", Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        long chunks = 0;
        var carry = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(carry, buffer.Length - carry))) > 0)
        {
            carry = Count(buffer, carry + read, ref chunks);
        }

        return chunks;
    }

    // Counts the markers in buffer[..length]; keeps a tail shorter than the marker at the front for the next read.
    private static int Count(byte[] buffer, int length, ref long chunks)
    {
        var marker = "\"content\":\""u8;
        var span = buffer.AsSpan(0, length);
        var at = 0;
        int found;
        while ((found = span[at..].IndexOf(marker)) >= 0)
        {
            chunks++;
            at += found + marker.Length;
        }

        var carry = Math.Min(marker.Length - 1, span.Length - at);
        span[^carry..].CopyTo(buffer);
        return carry;
    }
}
