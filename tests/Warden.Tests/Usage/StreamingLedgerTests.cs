using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Warden.MockProvider;
using Warden.Storage.Entities;
using Warden.Testing;
using Warden.Tests.Reconcile;

namespace Warden.Tests.Usage;

/// <summary>Control plane, gateway and a slow-streaming mock upstream shared by <see cref="StreamingLedgerTests"/>.</summary>
public sealed class StreamingCluster : IAsyncLifetime
{
    // The mock answers 40 completion tokens, one chunk every 25 ms: a stream lasts about a second.
    public const int OutputTokens = 40;

    private readonly PostgresDatabase _database = new();
    private readonly Uri _mockUrl = FreePort.NextUrl();
    private readonly Uri _controlPlaneUrl = FreePort.NextUrl();
    private readonly string _spoolDir = Directory.CreateTempSubdirectory("warden-stream-spool-").FullName;
    private WebApplication? _mock;
    private WardenProcess? _controlPlane;
    private WardenProcess? _gateway;

    public LedgerCluster Cluster { get; private set; } = null!;

    public Uri GatewayUrl { get; } = FreePort.NextUrl();

    public string Key { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Cluster = new LedgerCluster(_database.ConnectionString);
        _mock = MockProviderServer.Build(new MockProviderOptions { Url = _mockUrl, OutputTokens = OutputTokens, ChunkInterval = TimeSpan.FromMilliseconds(25) });
        await _mock.StartAsync();
        _controlPlane = Cluster.StartControlPlane(_controlPlaneUrl);
        await _controlPlane.WaitForHttpOkAsync(new Uri(_controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(60));
        using var admin = new AdminClient(_controlPlaneUrl);
        (_, var key) = await LedgerCluster.SetUpProjectAsync(admin, "stream", _mockUrl);
        Key = key;
        _gateway = LedgerCluster.StartGateway(GatewayUrl, _controlPlaneUrl, _spoolDir);
        await _gateway.WaitForHttpOkAsync(new Uri(GatewayUrl, "/readyz"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await LedgerCluster.WaitForChatOkAsync(http, GatewayUrl, Key);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_controlPlane is not null)
        {
            await _controlPlane.DisposeAsync();
        }

        if (_mock is not null)
        {
            await _mock.DisposeAsync();
        }

        await _database.DisposeAsync();
        Directory.Delete(_spoolDir, recursive: true);
    }
}

/// <summary>
/// Streaming is billed with the upstream's real usage, end to end into the ledger (real control-plane and gateway
/// processes, PostgreSQL): the gateway asks the upstream for <c>stream_options.include_usage</c>, strips the usage
/// chunk again for a client that did not ask for it, and a client that disconnects mid-stream still gets a ledger row
/// with the provider's counts.
/// </summary>
public sealed class StreamingLedgerTests(StreamingCluster fixture) : IClassFixture<StreamingCluster>, IDisposable
{
    private const int OutputTokens = StreamingCluster.OutputTokens;

    private readonly LedgerCluster _cluster = fixture.Cluster;
    private readonly Uri _gatewayUrl = fixture.GatewayUrl;
    private readonly string _key = fixture.Key;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Stream_ClientDidNotAskForUsage_UsageChunkStripped_LedgerHasTheUpstreamsCounts()
    {
        var (requestId, body) = await StreamAsync(includeUsage: false);

        Assert.EndsWith("data: [DONE]", body.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"usage\":{", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"choices\":[]", body, StringComparison.Ordinal);
        var row = await WaitForRowAsync(requestId);
        Assert.Equal("ok", row.Status);
        Assert.Equal(OutputTokens, row.OutputTokens);
        Assert.True(row.InputTokens > 0);
    }

    [Fact]
    public async Task Stream_ClientAskedForUsage_GetsTheUsageChunk_LedgerMatchesIt()
    {
        var (requestId, body) = await StreamAsync(includeUsage: true);

        Assert.Contains($"\"completion_tokens\":{OutputTokens}", body, StringComparison.Ordinal);
        var row = await WaitForRowAsync(requestId);
        Assert.Equal(OutputTokens, row.OutputTokens);
        Assert.Contains($"\"prompt_tokens\":{row.InputTokens}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ClientDisconnectsAfterFirstChunk_LedgerHasTheUpstreamsRealUsage()
    {
        var (completeId, _) = await StreamAsync(includeUsage: true);
        var expectedInput = (await WaitForRowAsync(completeId)).InputTokens;

        string requestId;
        // MaxResponseDrainSize = 0: disposing the response closes the connection instead of reading the rest of the
        // stream to reuse it, which is what a client that goes away does.
        using (var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }))
        using (var request = StreamRequest(includeUsage: false))
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            requestId = response.Headers.GetValues("x-request-id").Single();
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256];
            Assert.True(await stream.ReadAsync(buffer) > 0);
            // Leaving the using blocks aborts the connection about 25 ms into a one-second stream.
        }

        var row = await WaitForRowAsync(requestId);
        Assert.Equal("client_disconnected", row.Status);
        Assert.Equal(OutputTokens, row.OutputTokens);
        Assert.Equal(expectedInput, row.InputTokens);
        Assert.True(row.CostUsd > 0);
    }

    private HttpRequestMessage StreamRequest(bool includeUsage)
    {
        var options = includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gatewayUrl, "/v1/chat/completions"))
        {
            Content = new StringContent("{\"model\":\"chat\",\"stream\":true" + options + ",\"messages\":[{\"role\":\"user\",\"content\":\"tell me a story\"}]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        return request;
    }

    private async Task<(string RequestId, string Body)> StreamAsync(bool includeUsage)
    {
        using var request = StreamRequest(includeUsage);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.GetValues("x-request-id").Single(), await response.Content.ReadAsStringAsync());
    }

    private async Task<UsageRecord> WaitForRowAsync(string requestId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (true)
        {
            await using (var context = _cluster.Contexts.CreateDbContext())
            {
                var row = await context.UsageRecords.SingleOrDefaultAsync(r => r.RequestId == requestId);
                if (row is not null)
                {
                    return row;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"no ledger row for request {requestId}");
            await Task.Delay(100);
        }
    }
}
