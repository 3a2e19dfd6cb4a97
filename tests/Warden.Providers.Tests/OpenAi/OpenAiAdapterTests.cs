using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Providers.Abstractions;
using Warden.Providers.OpenAi;
using Warden.Providers.Tests.TestSupport;

namespace Warden.Providers.Tests.OpenAi;

public sealed class OpenAiAdapterTests
{
    // Odd spacing, escapes, unknown fields, tools and response_format: a byte-for-byte forward keeps all of it.
    private const string RichBody = """
        {  "model" : "gpt-4o-mini",
           "messages": [ {"role":"user","content":[{"type":"text","text":"caf\u00e9 \"x\""},{"type":"image_url","image_url":{"url":"https://e.x/a.png"}}]} ],
           "tools":[{"type":"function","function":{"name":"f","strict":true,"parameters":{"type":"object","properties":{"a":{"type":"number","minimum":1.50}}}}}],
           "response_format": {"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"}}},
           "logit_bias": {"50256": -100},
           "x_vendor": [1, 2.0e1, null, true],
           "n": 2,
           "seed": 42
        }
        """;

    private static readonly ProviderEntry s_provider = TestCalls.Provider(ProviderKind.OpenAi, "https://api.openai.com/v1", ("header:OpenAI-Organization", "org-acme"));

    private readonly OpenAiAdapter _adapter = new();

    [Fact]
    public async Task CreateRequest_SameModelNotStreaming_ForwardsBodyByteIdentical()
    {
        var body = Encoding.UTF8.GetBytes(RichBody);

        using var request = _adapter.CreateRequest(TestCalls.Call(s_provider, "gpt-4o-mini", body));

        Assert.Equal(body, await TestCalls.ReadBodyAsync(request));
    }

    [Fact]
    public async Task CreateRequest_DifferentModel_RewritesModelAndCopiesEveryOtherValueByteForByte()
    {
        var body = Encoding.UTF8.GetBytes(RichBody);

        using var request = _adapter.CreateRequest(TestCalls.Call(s_provider, "gpt-4o-mini-2024-07-18", body));

        var forwarded = await TestCalls.ReadBodyAsync(request);
        var before = RawTopLevelValues(body);
        var after = RawTopLevelValues(forwarded);
        Assert.Equal("\"gpt-4o-mini-2024-07-18\"", after["model"]);
        Assert.Equal(before.Keys.ToArray(), after.Keys.ToArray());
        foreach (var (name, raw) in before)
        {
            if (name != "model")
            {
                Assert.Equal(raw, after[name]);
            }
        }
    }

    [Fact]
    public async Task CreateRequest_StreamingClientDidNotAskForUsage_InjectsIncludeUsageKeepingOtherOptions()
    {
        var body = """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_obfuscation":false,"include_usage":false},"messages":[]}""";

        using var request = _adapter.CreateRequest(TestCalls.Call(s_provider, "gpt-4o-mini", Encoding.UTF8.GetBytes(body)));

        JsonAssert.Equal("""{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_obfuscation":false,"include_usage":true},"messages":[]}""",
            await TestCalls.ReadBodyAsync(request));
    }

    [Fact]
    public async Task CreateRequest_StreamingWithoutStreamOptions_AddsThem()
    {
        var body = """{"model":"gpt-4o-mini","stream":true,"messages":[]}""";

        using var request = _adapter.CreateRequest(TestCalls.Call(s_provider, "gpt-4o-mini", Encoding.UTF8.GetBytes(body)));

        JsonAssert.Equal("""{"model":"gpt-4o-mini","stream":true,"messages":[],"stream_options":{"include_usage":true}}""", await TestCalls.ReadBodyAsync(request));
    }

    [Fact]
    public async Task CreateRequest_StreamingClientAskedForUsage_ForwardsBodyByteIdentical()
    {
        var body = Encoding.UTF8.GetBytes("""{ "model":"gpt-4o-mini", "stream":true, "stream_options":{"include_usage":true}, "messages":[] }""");

        using var request = _adapter.CreateRequest(TestCalls.Call(s_provider, "gpt-4o-mini", body));

        Assert.Equal(body, await TestCalls.ReadBodyAsync(request));
    }

    [Fact]
    public async Task CreateRequest_EmbeddingsWithStreamFlag_NoStreamOptionsInjected()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"emb","input":"x","stream":true}""");

        using var request = _adapter.CreateRequest(TestCalls.Call(s_provider, "emb", body, operation: OperationKind.Embeddings));

        Assert.Equal(body, await TestCalls.ReadBodyAsync(request));
    }

    [Theory]
    [InlineData("https://api.openai.com/v1", OperationKind.ChatCompletions, "https://api.openai.com/v1/chat/completions")]
    [InlineData("https://api.openai.com/v1/", OperationKind.Completions, "https://api.openai.com/v1/completions")]
    [InlineData("http://localhost:11434/v1", OperationKind.Embeddings, "http://localhost:11434/v1/embeddings")]
    public void CreateRequest_BaseUrl_JoinedWithOperationPath(string baseUrl, OperationKind operation, string expected)
    {
        var provider = TestCalls.Provider(ProviderKind.OpenAi, baseUrl);

        using var request = _adapter.CreateRequest(TestCalls.Call(provider, "m", """{"model":"m"}"""u8.ToArray(), operation: operation));

        Assert.Equal(expected, request.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void CreateRequest_CredentialAndHeaderSettings_SentAsBearerAndHeaders()
    {
        using var request = _adapter.CreateRequest(TestCalls.Call(s_provider, "m", """{"model":"m"}"""u8.ToArray(), credential: "sk-live"));

        Assert.Equal("Bearer", request.Headers.Authorization!.Scheme);
        Assert.Equal("sk-live", request.Headers.Authorization.Parameter);
        Assert.Equal("org-acme", TestCalls.Header(request, "OpenAI-Organization"));
    }

    [Fact]
    public void CreateRequest_NoCredential_NoAuthorization()
    {
        using var request = _adapter.CreateRequest(TestCalls.Call(s_provider, "m", """{"model":"m"}"""u8.ToArray(), credential: null));

        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public void TranslateResponse_Body_PassedThroughWithUsage()
    {
        var body = """{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":2,"total_tokens":22,"prompt_tokens_details":{"cached_tokens":16}}}"""u8;
        var output = new ArrayBufferWriter<byte>();

        var translation = _adapter.TranslateResponse(TestCalls.Call(s_provider, "m", """{"model":"m"}"""u8.ToArray()), body, output);

        Assert.True(output.WrittenSpan.SequenceEqual(body));
        Assert.Equal(new TokenUsage(20, 2, 16, 0), translation.Usage);
    }

    [Fact]
    public void TranslateError_NonOpenAiBody_WrappedAsUpstreamError()
    {
        var output = new ArrayBufferWriter<byte>();

        _adapter.TranslateError(TestCalls.Call(s_provider, "m", """{"model":"m"}"""u8.ToArray()), 400, "Bad Request"u8, output);

        var error = JsonNode.Parse(output.WrittenSpan)!["error"]!;
        Assert.Equal("The upstream provider answered HTTP 400: Bad Request", error["message"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal("upstream_error", error["code"]!.GetValue<string>());
    }

    [Fact]
    public void Supports_EveryOperation()
    {
        Assert.True(_adapter.Supports(OperationKind.ChatCompletions));
        Assert.True(_adapter.Supports(OperationKind.Completions));
        Assert.True(_adapter.Supports(OperationKind.Embeddings));
        Assert.Equal(ProviderKind.Mock, new OpenAiAdapter(ProviderKind.Mock).Kind);
    }

    // Top-level property name → the raw bytes of its value, in document order.
    private static Dictionary<string, string> RawTopLevelValues(byte[] json)
    {
        var values = new Dictionary<string, string>();
        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            values[name] = Encoding.UTF8.GetString(json, start, (int)reader.BytesConsumed - start);
        }

        return values;
    }
}
