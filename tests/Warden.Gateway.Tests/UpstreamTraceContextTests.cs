using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Warden.Core.Snapshots;
using Warden.Gateway.Tests.Harness;
using Warden.Testing;

namespace Warden.Gateway.Tests;

/// <summary>
/// The gateway does not hand its trace context to third-party providers: an upstream call carries no
/// <c>traceparent</c>, <c>tracestate</c> or <c>Request-Id</c>, even when the client sent one and tracing listeners are on.
/// </summary>
public sealed class UpstreamTraceContextTests : IAsyncLifetime
{
    private readonly GatewayHarness _harness = new();
    private readonly ConcurrentQueue<IHeaderDictionary> _upstreamHeaders = new();
    private readonly Uri _upstreamUrl = FreePort.NextUrl();
    private WebApplication? _upstream;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_upstreamUrl.ToString());
        builder.Logging.ClearProviders();
        _upstream = builder.Build();
        _upstream.MapPost("/v1/chat/completions", (HttpRequest request) =>
        {
            _upstreamHeaders.Enqueue(new HeaderDictionary(request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)));
            return Results.Text(
                """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""",
                "application/json");
        });
        await _upstream.StartAsync();
        await _harness.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task UpstreamRequest_CarriesNoTraceContext_EvenWithAnIncomingTraceparentAndListeners()
    {
        // A listener that samples everything makes ASP.NET Core and HttpClient create activities, as tracing would.
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var factory = new SnapshotFactory();
        var provider = factory.AddProvider("capture", ProviderKind.OpenAi, new Uri(_upstreamUrl, "/v1"));
        factory.AddRoute("chat", RouteStrategyKind.Single, (provider, "gpt-4o-mini"));
        var key = factory.AddKey("alice");
        _harness.Apply(factory);

        using var http = new HttpClient { BaseAddress = _harness.ApiBase };
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        request.Headers.Add("tracestate", "vendor=secret-internal-state");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = Assert.Single(_upstreamHeaders);
        Assert.True(headers.ContainsKey("Content-Type"), "the capture saw the upstream request's headers");
        Assert.False(headers.ContainsKey("traceparent"), "traceparent reached the provider: " + headers["traceparent"]);
        Assert.False(headers.ContainsKey("tracestate"));
        Assert.False(headers.ContainsKey("Request-Id"));
    }
}
