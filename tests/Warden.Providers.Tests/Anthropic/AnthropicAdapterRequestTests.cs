using System.Text;
using System.Text.Json.Nodes;
using Warden.Core.Snapshots;
using Warden.Providers.Abstractions;
using Warden.Providers.Anthropic;
using Warden.Providers.Tests.TestSupport;

namespace Warden.Providers.Tests.Anthropic;

public sealed class AnthropicAdapterRequestTests
{
    private const string UpstreamModel = "claude-sonnet-4-5-20250929";

    private static readonly ProviderEntry s_provider = TestCalls.Provider(ProviderKind.Anthropic, "https://api.anthropic.com/v1");

    private readonly AnthropicAdapter _adapter = new(Clock.Golden());

    [Theory]
    [InlineData("request-system-multi-turn")]
    [InlineData("request-images")]
    [InlineData("request-tools")]
    [InlineData("request-stream-defaults")]
    [InlineData("request-stop-array")]
    public async Task CreateRequest_GoldenTranscript_MatchesExpectedUpstreamBody(string name)
    {
        var call = TestCalls.Call(s_provider, UpstreamModel, GoldenFiles.Bytes($"anthropic/{name}/request.json"));

        using var request = _adapter.CreateRequest(call);

        var body = await TestCalls.ReadBodyAsync(request);
        JsonAssert.Equal(GoldenFiles.Bytes($"anthropic/{name}/upstream-request.json"), body, name);
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("https://api.anthropic.com/v1", "https://api.anthropic.com/v1/messages")]
    [InlineData("https://api.anthropic.com/v1/", "https://api.anthropic.com/v1/messages")]
    [InlineData("http://127.0.0.1:9090/v1", "http://127.0.0.1:9090/v1/messages")]
    public void CreateRequest_BaseUrl_PostsToMessagesJoinedWithOneSlash(string baseUrl, string expected)
    {
        var call = TestCalls.Call(TestCalls.Provider(ProviderKind.Anthropic, baseUrl), UpstreamModel, Body("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""));

        using var request = _adapter.CreateRequest(call);

        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(expected, request.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void CreateRequest_Credential_SentAsXApiKeyWithDefaultVersion()
    {
        var call = TestCalls.Call(s_provider, UpstreamModel, Body("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""), credential: "sk-ant-secret");

        using var request = _adapter.CreateRequest(call);

        Assert.Equal("sk-ant-secret", TestCalls.Header(request, "x-api-key"));
        Assert.Equal("2023-06-01", TestCalls.Header(request, "anthropic-version"));
        Assert.Null(TestCalls.Header(request, "anthropic-beta"));
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public void CreateRequest_NoCredential_SendsNoApiKey()
    {
        var call = TestCalls.Call(s_provider, UpstreamModel, Body("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""), credential: null);

        using var request = _adapter.CreateRequest(call);

        Assert.Null(TestCalls.Header(request, "x-api-key"));
    }

    [Fact]
    public void CreateRequest_VersionBetaAndHeaderSettings_SentAsHeaders()
    {
        var provider = TestCalls.Provider(ProviderKind.Anthropic, "https://api.anthropic.com/v1",
            ("anthropic-version", "2024-01-01"), ("anthropic-beta", "prompt-caching-2024-07-31,token-efficient-tools-2025-02-19"),
            ("header:X-Team", "payments"), ("Header:X-Trace", "on"), ("api-version", "ignored"));
        var call = TestCalls.Call(provider, UpstreamModel, Body("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""));

        using var request = _adapter.CreateRequest(call);

        Assert.Equal("2024-01-01", TestCalls.Header(request, "anthropic-version"));
        Assert.Equal("prompt-caching-2024-07-31,token-efficient-tools-2025-02-19", TestCalls.Header(request, "anthropic-beta"));
        Assert.Equal("payments", TestCalls.Header(request, "X-Team"));
        Assert.Equal("on", TestCalls.Header(request, "X-Trace"));
        Assert.Null(TestCalls.Header(request, "api-version"));
    }

    [Theory]
    [InlineData(OperationKind.ChatCompletions, true)]
    [InlineData(OperationKind.Completions, false)]
    [InlineData(OperationKind.Embeddings, false)]
    public void Supports_Operation_OnlyChatCompletions(OperationKind operation, bool expected)
    {
        Assert.Equal(expected, _adapter.Supports(operation));
        Assert.Equal(ProviderKind.Anthropic, _adapter.Kind);
    }

    [Fact]
    public async Task CreateRequest_ToolChoiceNone_KeepsToolsAndSendsTypeNone()
    {
        // Tools stay defined: a conversation that already holds tool_use blocks is rejected without them.
        var upstream = await TranslateAsync("""
            {"model":"m","messages":[{"role":"user","content":"hi"}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],
             "tool_choice":"none","parallel_tool_calls":false}
            """);

        JsonAssert.Equal("""{"type":"none"}""", Encoding.UTF8.GetBytes(upstream["tool_choice"]!.ToJsonString()));
        Assert.Single(upstream["tools"]!.AsArray());
    }

    [Fact]
    public async Task CreateRequest_ParallelToolCallsFalseWithoutChoice_DisablesParallelUseUnderAuto()
    {
        var upstream = await TranslateAsync("""
            {"model":"m","messages":[{"role":"user","content":"hi"}],
             "tools":[{"type":"function","function":{"name":"f"}}],"parallel_tool_calls":false}
            """);

        JsonAssert.Equal("""{"type":"auto","disable_parallel_tool_use":true}""", Encoding.UTF8.GetBytes(upstream["tool_choice"]!.ToJsonString()));
    }

    [Fact]
    public async Task CreateRequest_ToolChoiceAutoWithTools_SendsAuto()
    {
        var upstream = await TranslateAsync("""
            {"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"auto"}
            """);

        JsonAssert.Equal("""{"type":"auto"}""", Encoding.UTF8.GetBytes(upstream["tool_choice"]!.ToJsonString()));
    }

    [Fact]
    public async Task CreateRequest_CacheControlOnParts_ForwardedAndSystemSentAsBlocks()
    {
        var upstream = await TranslateAsync("""
            {"model":"m","messages":[
              {"role":"system","content":[{"type":"text","text":"Long policy text","cache_control":{"type":"ephemeral"}}]},
              {"role":"user","content":[{"type":"text","text":"Question","cache_control":{"type":"ephemeral","ttl":"1h"}}]}],
             "tools":[{"type":"function","function":{"name":"f"},"cache_control":{"type":"ephemeral"}}]}
            """);

        JsonAssert.Equal("""[{"type":"text","text":"Long policy text","cache_control":{"type":"ephemeral"}}]""", Encoding.UTF8.GetBytes(upstream["system"]!.ToJsonString()));
        JsonAssert.Equal("""{"type":"ephemeral","ttl":"1h"}""", Encoding.UTF8.GetBytes(upstream["messages"]![0]!["content"]![0]!["cache_control"]!.ToJsonString()));
        JsonAssert.Equal("""{"type":"ephemeral"}""", Encoding.UTF8.GetBytes(upstream["tools"]![0]!["cache_control"]!.ToJsonString()));
    }

    [Fact]
    public async Task CreateRequest_ArgumentsSentAsObject_UsedAsInput()
    {
        var upstream = await TranslateAsync("""
            {"model":"m","messages":[{"role":"user","content":"hi"},
              {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":{"a":1}}},
                                                {"id":"c2","type":"function","function":{"name":"f","arguments":"[1,2]"}}]},
              {"role":"tool","tool_call_id":"c1","content":"ok"},{"role":"tool","tool_call_id":"c2","content":"ok"}]}
            """);

        var blocks = upstream["messages"]![1]!["content"]!.AsArray();
        JsonAssert.Equal("""{"a":1}""", Encoding.UTF8.GetBytes(blocks[0]!["input"]!.ToJsonString()));
        JsonAssert.Equal("{}", Encoding.UTF8.GetBytes(blocks[1]!["input"]!.ToJsonString()));
    }

    [Fact]
    public async Task CreateRequest_EscapedDataUrl_UnescapedBeforeSplitting()
    {
        var upstream = await TranslateAsync("""
            {"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image\/webp;base64,UklG\/Rg=="}}]}]}
            """);

        JsonAssert.Equal("""{"type":"base64","media_type":"image/webp","data":"UklG/Rg=="}""",
            Encoding.UTF8.GetBytes(upstream["messages"]![0]!["content"]![0]!["source"]!.ToJsonString()));
    }

    [Fact]
    public async Task CreateRequest_WrongTypedOptionalFields_SkippedWithoutFailing()
    {
        var upstream = await TranslateAsync("""
            {"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":42,"tool_calls":"x"},
              {"role":"user","content":[1,{"type":"text","text":7},{"type":"text","text":"ok"}]}, 5, {"role":9}],
             "stop":5,"user":42,"tools":"x","tool_choice":3,"temperature":"hot","top_p":"x","max_tokens":"many","stream":"yes"}
            """);

        JsonAssert.Equal("""
            {"model":"claude-sonnet-4-5-20250929",
             "messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"text","text":"ok"}]}],
             "max_tokens":4096}
            """, Encoding.UTF8.GetBytes(upstream.ToJsonString()));
    }

    [Fact]
    public async Task CreateRequest_TemperatureWithinAnthropicRange_Unchanged()
    {
        var upstream = await TranslateAsync("""{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0,"top_k":40}""");

        Assert.Equal(0, upstream["temperature"]!.GetValue<double>());
        Assert.Equal(40, upstream["top_k"]!.GetValue<int>());
    }

    [Fact]
    public void CreateRequest_Embeddings_Throws()
    {
        var call = TestCalls.Call(s_provider, UpstreamModel, Body("""{"model":"m","input":"x"}"""), operation: OperationKind.Embeddings);

        Assert.Throws<NotSupportedException>(() => _adapter.CreateRequest(call));
    }

    private async Task<JsonObject> TranslateAsync(string clientBody)
    {
        var call = TestCalls.Call(s_provider, UpstreamModel, Body(clientBody));
        using var request = _adapter.CreateRequest(call);
        return JsonNode.Parse(await TestCalls.ReadBodyAsync(request))!.AsObject();
    }

    private static byte[] Body(string json) => Encoding.UTF8.GetBytes(json);
}
