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

/// <summary>An upstream that reports an error inside its stream after the first chunk.</summary>
public sealed class InStreamErrorTests : IAsyncLifetime
{
    private readonly GatewayHarness _harness = new();
    private readonly Uri _upstreamUrl = FreePort.NextUrl();
    private WebApplication? _upstream;
    private string _key = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_upstreamUrl.ToString());
        builder.Logging.ClearProviders();
        _upstream = builder.Build();
        _upstream.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}\n\n");
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync("data: {\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\",\"code\":\"overloaded\"}}\n\n");
        });
        await _upstream.StartAsync();
        await _harness.InitializeAsync();

        var factory = new SnapshotFactory();
        var provider = factory.AddProvider("flaky", ProviderKind.OpenAi, new Uri(_upstreamUrl, "/v1"));
        factory.AddRoute("flaky", RouteStrategyKind.Fallback, (provider, "m"), (provider, "m2"));
        _key = factory.AddKey();
        _harness.Apply(factory);
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
    public async Task UpstreamErrorEventAfterFirstChunk_ClientGetsExactlyOneErrorEvent_AndNoFallback()
    {
        using var http = new HttpClient { BaseAddress = _harness.ApiBase };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        using var content = new StringContent("""{"model":"flaky","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

        using var response = await http.PostAsync("chat/completions", content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"content\":\"Hel\"", body, StringComparison.Ordinal);
        Assert.Equal(1, CountOccurrences(body, "\"error\":"));
        Assert.Contains("model overloaded", body, StringComparison.Ordinal);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var recorded = await _harness.Usage.WaitForAsync(e => e.RequestId == requestId);
        Assert.Equal("upstream_error", recorded.Status);
        await Task.Delay(200);
        Assert.Single(_harness.Usage.Events, e => e.RequestId == requestId);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
