using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Warden.Gateway.Tests.Harness;

namespace Warden.Gateway.Tests;

/// <summary>Routing, fallback, the commit point and disconnects, over real HTTP against the mock upstream.</summary>
public sealed class GatewayBehaviourTests : IClassFixture<StandardGateway>
{
    private readonly StandardGateway _gateway;

    public GatewayBehaviourTests(StandardGateway gateway)
    {
        _gateway = gateway;
    }

    [Fact]
    public async Task Chat_NonStreaming_ReturnsUpstreamAnswerAndRecordsUsage()
    {
        using var http = Client();

        using var response = await PostChatAsync(http, "chat-default", stream: false);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        using var json = JsonDocument.Parse(body);
        var usage = json.RootElement.GetProperty("usage");
        var recorded = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId);
        Assert.Equal("ok", recorded.Status);
        Assert.Equal("primary", recorded.ProviderName);
        Assert.True(recorded.UsageReported);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64(), recorded.Tokens.InputTokens);
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt64(), recorded.Tokens.OutputTokens);

        // Priced at the shipped gpt-4o-mini rates, cached prompt tokens at the cache-read rate.
        var price = Warden.Core.Pricing.DefaultPrices.All["gpt-4o-mini"];
        var cached = recorded.Tokens.CacheReadTokens;
        var expected = ((recorded.Tokens.InputTokens - cached) * price.InputPerMillion + cached * price.CacheReadPerMillion
            + recorded.Tokens.OutputTokens * price.OutputPerMillion) / 1_000_000m;
        Assert.True(recorded.Priced);
        Assert.True(expected > 0m);
        Assert.Equal(expected, recorded.CostUsd);
    }

    [Theory]
    [InlineData("fallback-503")]
    [InlineData("fallback-refused")]
    [InlineData("fallback-timeout")]
    [InlineData("fallback-429")]
    public async Task Fallback_FirstTargetFails_SecondServes_AndUsageNamesSecond(string model)
    {
        using var http = Client();

        using var response = await PostChatAsync(http, model, stream: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var success = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId && e.Status == "ok");
        Assert.Equal("secondary", success.ProviderName);
        Assert.Equal(2, success.Attempt);
        var failed = Assert.Single(_gateway.Harness.Usage.Events, e => e.RequestId == requestId && e.Attempt == 1);
        Assert.NotEqual("ok", failed.Status);
        Assert.Equal(0, failed.Tokens.TotalTokens);
    }

    [Fact]
    public async Task Fallback_Streaming_FirstTargetFailsBeforeFirstByte_SecondServesTheStream()
    {
        using var http = Client();

        using var response = await PostChatAsync(http, "fallback-503", stream: true);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data: [DONE]", body, StringComparison.Ordinal);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var success = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId && e.Status == "ok");
        Assert.Equal("secondary", success.ProviderName);
    }

    [Fact]
    public async Task Stream_UpstreamFailsAfterFirstByte_ClientGetsInStreamError_AndNoSecondAttempt()
    {
        using var http = Client();

        using var response = await PostChatAsync(http, "broken-stream", stream: true);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"code\":\"upstream_error\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var recorded = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId);
        await Task.Delay(300);
        var attempts = _gateway.Harness.Usage.Events.Where(e => e.RequestId == requestId).ToList();
        Assert.Single(attempts);
        Assert.Equal("primary", recorded.ProviderName);
        Assert.Equal("upstream_error", recorded.Status);
    }

    [Fact]
    public async Task Stream_ClientAbortsAfterFirstChunk_UsageEventCarriesUpstreamFullTokenCounts()
    {
        // No draining on dispose: disposing the response must drop the connection like a killed client would.
        using var http = Client(handler: new SocketsHttpHandler { MaxResponseDrainSize = 0 });
        using var request = ChatRequest("slow-stream", stream: true);

        string requestId;
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer);
            Assert.True(read > 0);
        }

        // Disposing the response aborted the connection after the first chunk; the gateway drains the upstream.
        var recorded = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId, TimeSpan.FromSeconds(30));
        Assert.Equal("client_disconnected", recorded.Status);
        Assert.True(recorded.UsageReported);
        Assert.Equal(40, recorded.Tokens.OutputTokens);
        Assert.True(recorded.Tokens.InputTokens > 0);
    }

    [Fact]
    public async Task Stream_ClientDidNotAskForUsage_UsageChunkIsStrippedButRecorded()
    {
        using var http = Client();

        using var response = await PostChatAsync(http, "chat-default", stream: true);
        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("\"usage\":{", body, StringComparison.Ordinal);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var recorded = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId);
        Assert.True(recorded.UsageReported);
        Assert.True(recorded.Tokens.OutputTokens > 0);
    }

    [Fact]
    public async Task Stream_ClientAskedForUsage_UsageChunkIsKept()
    {
        using var http = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = Json("""{"model":"chat-default","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hello"}]}"""),
        };

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"usage\":{", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("always-503", HttpStatusCode.BadGateway, "upstream_error")]
    [InlineData("always-timeout", HttpStatusCode.GatewayTimeout, "upstream_timeout")]
    [InlineData("unreachable", HttpStatusCode.ServiceUnavailable, "upstream_unavailable")]
    public async Task Upstream_Failing_MapsToPreciseStatus(string model, HttpStatusCode expected, string code)
    {
        using var http = Client();

        using var response = await PostChatAsync(http, model, stream: false);

        Assert.Equal(expected, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Upstream_RateLimitedOnEveryTarget_Is429WithRetryAfter()
    {
        using var http = Client();

        using var response = await PostChatAsync(http, "always-429", stream: false);

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.True(response.Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("rate_limit_exceeded", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Models_ListsOnlyTheModelsTheKeyMayUse()
    {
        using var all = Client();
        using var restricted = Client(_gateway.RestrictedKey);

        var allModels = await ModelIdsAsync(all);
        var restrictedModels = await ModelIdsAsync(restricted);

        Assert.Contains("chat-default", allModels);
        Assert.Contains("restricted-model", allModels);
        Assert.Equal(["chat-default"], restrictedModels);
    }

    [Fact]
    public async Task Routing_ModelOutsideGroupAllowList_Is403ModelNotAllowed()
    {
        using var http = Client(_gateway.RestrictedKey);

        using var response = await PostChatAsync(http, "restricted-model", stream: false);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("model_not_allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("expired", "key_expired")]
    [InlineData("revoked", "key_revoked")]
    public async Task KeyAuth_ExpiredOrRevoked_GetsOwnCode(string which, string code)
    {
        using var http = Client(which == "expired" ? _gateway.ExpiredKey : _gateway.OtherProjectKeyRevoked);

        using var response = await PostChatAsync(http, "chat-default", stream: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(code, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyAuth_XApiKeyAndApiKeyHeaders_AreAccepted()
    {
        foreach (var header in new[] { "x-api-key", "api-key" })
        {
            using var http = new HttpClient { BaseAddress = _gateway.Harness.ApiBase };
            http.DefaultRequestHeaders.Add(header, _gateway.Key);

            using var response = await PostChatAsync(http, "chat-default", stream: false);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Embeddings_AreForwarded()
    {
        using var http = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "embeddings") { Content = Json("""{"model":"embed","input":["a","b"]}""") };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, json.RootElement.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Anthropic_ChatThroughTranslation_ReturnsOpenAiShapeAndRecordsUsage()
    {
        using var http = Client();

        using var response = await PostChatAsync(http, "claude", stream: false);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("chat.completion", json.RootElement.GetProperty("object").GetString());
        Assert.Equal("stop", json.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var recorded = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId);
        Assert.Equal("anthropic", recorded.ProviderName);
        Assert.True(recorded.UsageReported);
        Assert.True(recorded.Tokens.OutputTokens > 0);
    }

    [Fact]
    public async Task Anthropic_StreamingThroughTranslation_EndsWithDoneAndRecordsUsage()
    {
        using var http = Client();

        using var response = await PostChatAsync(http, "claude", stream: true);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("chat.completion.chunk", body, StringComparison.Ordinal);
        Assert.Contains("data: [DONE]", body, StringComparison.Ordinal);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var recorded = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId);
        Assert.Equal("ok", recorded.Status);
        Assert.True(recorded.Tokens.OutputTokens > 0);
    }

    [Fact]
    public async Task Anthropic_Embeddings_AreRefusedAsUnsupported()
    {
        using var http = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "embeddings") { Content = Json("""{"model":"claude","input":"x"}""") };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not support embeddings", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private HttpClient Client(string? key = null, HttpMessageHandler? handler = null)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = _gateway.Harness.ApiBase, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key ?? _gateway.Key);
        return http;
    }

    private static async Task<List<string>> ModelIdsAsync(HttpClient http)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync("models"));
        return [.. json.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
    }

    private static Task<HttpResponseMessage> PostChatAsync(HttpClient http, string model, bool stream) => http.SendAsync(ChatRequest(model, stream));

    private static HttpRequestMessage ChatRequest(string model, bool stream) => new(HttpMethod.Post, "chat/completions")
    {
        Content = Json($$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Say hello to the gateway."}]}"""),
    };

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
