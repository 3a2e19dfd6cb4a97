using System.Buffers;
using System.Text;
using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Providers.Abstractions;
using Warden.Providers.AzureOpenAi;
using Warden.Providers.Tests.TestSupport;

namespace Warden.Providers.Tests.AzureOpenAi;

public sealed class AzureOpenAiAdapterTests
{
    private const string BaseUrl = "https://acme-eastus.openai.azure.com";

    private readonly AzureOpenAiAdapter _adapter = new();

    [Fact]
    public void CreateRequest_NoApiVersionSetting_UsesDeploymentUrlAndDefaultVersion()
    {
        using var request = _adapter.CreateRequest(Call(Provider(), "gpt4o-prod", """{"model":"gpt-4o-default","messages":[]}"""));

        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"{BaseUrl}/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21", request.RequestUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData(OperationKind.ChatCompletions, "chat/completions")]
    [InlineData(OperationKind.Completions, "completions")]
    [InlineData(OperationKind.Embeddings, "embeddings")]
    public void CreateRequest_ApiVersionSetting_UsedForEveryOperation(OperationKind operation, string path)
    {
        var provider = Provider(("api-version", "2025-01-01-preview"));

        using var request = _adapter.CreateRequest(Call(provider, "text-embedding-3-large", """{"model":"emb","input":"x"}""", operation));

        Assert.Equal($"{BaseUrl}/openai/deployments/text-embedding-3-large/{path}?api-version=2025-01-01-preview", request.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void CreateRequest_BaseUrlWithTrailingSlashAndOddDeployment_JoinedAndEscaped()
    {
        var provider = TestCalls.Provider(ProviderKind.AzureOpenAi, BaseUrl + "/", ("api-version", " "));

        using var request = _adapter.CreateRequest(Call(provider, "gpt 4o/eu", """{"model":"m","messages":[]}"""));

        Assert.Equal($"{BaseUrl}/openai/deployments/gpt%204o%2Feu/chat/completions?api-version=2024-10-21", request.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void CreateRequest_Credential_SentAsApiKeyHeaderNotBearer()
    {
        using var request = _adapter.CreateRequest(Call(Provider(), "gpt4o-prod", """{"model":"m","messages":[]}"""));

        Assert.Equal("sk-test", TestCalls.Header(request, "api-key"));
        Assert.Null(request.Headers.Authorization);
        Assert.Equal(ProviderKind.AzureOpenAi, _adapter.Kind);
    }

    [Fact]
    public void CreateRequest_HeaderSettings_AddedAsUpstreamHeaders()
    {
        var provider = Provider(("header:x-ms-client-request-id", "warden"), ("header:X-Team", "payments"));

        using var request = _adapter.CreateRequest(Call(provider, "gpt4o-prod", """{"model":"m","messages":[]}"""));

        Assert.Equal("warden", TestCalls.Header(request, "x-ms-client-request-id"));
        Assert.Equal("payments", TestCalls.Header(request, "X-Team"));
        Assert.Null(TestCalls.Header(request, "api-version"));
    }

    [Theory]
    [InlineData("chat-json-mode")]
    [InlineData("stream-usage")]
    public async Task CreateRequest_GoldenTranscript_ModelBecomesDeploymentOtherFieldsKept(string name)
    {
        using var request = _adapter.CreateRequest(TestCalls.Call(Provider(), "gpt4o-prod", GoldenFiles.Bytes($"azure/{name}/request.json")));

        var body = await TestCalls.ReadBodyAsync(request);
        JsonAssert.Equal(GoldenFiles.Bytes($"azure/{name}/upstream-request.json"), body, name);
    }

    [Fact]
    public void TranslateResponse_GoldenTranscript_PassedThroughWithCachedUsage()
    {
        var upstream = GoldenFiles.Bytes("azure/chat-json-mode/upstream-response.json");
        var output = new ArrayBufferWriter<byte>();

        var translation = _adapter.TranslateResponse(Call(Provider(), "gpt4o-prod", """{"model":"m","messages":[]}"""), upstream, output);

        Assert.True(output.WrittenSpan.SequenceEqual(GoldenFiles.Bytes("azure/chat-json-mode/expected-response.json")));
        Assert.Equal(new TokenUsage(1530, 9, 1280, 0), translation.Usage);
    }

    [Fact]
    public void StreamTranslator_GoldenTranscript_StripsUsageChunkTheClientDidNotAskFor()
    {
        var call = TestCalls.Call(Provider(), "gpt4o-prod", GoldenFiles.Bytes("azure/stream-usage/request.json"));
        var translator = _adapter.CreateStreamTranslator(call);

        var output = SseReplay.Chunked(GoldenFiles.Bytes("azure/stream-usage/upstream.sse"), translator, seed: 7);

        Assert.Equal(Encoding.UTF8.GetString(GoldenFiles.Bytes("azure/stream-usage/expected.sse")), Encoding.UTF8.GetString(output));
        Assert.Equal(new TokenUsage(8, 2, 0, 0), translator.Usage);
        Assert.True(translator.IsFinished);
    }

    [Fact]
    public void TranslateError_AzureErrorBody_PassedThrough()
    {
        var body = """{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}"""u8;
        var output = new ArrayBufferWriter<byte>();

        _adapter.TranslateError(Call(Provider(), "gpt4o-prod", """{"model":"m","messages":[]}"""), 404, body, output);

        Assert.True(output.WrittenSpan.SequenceEqual(body));
    }

    private static ProviderEntry Provider(params (string Key, string Value)[] settings) =>
        TestCalls.Provider(ProviderKind.AzureOpenAi, BaseUrl, settings);

    private static UpstreamCall Call(ProviderEntry provider, string deployment, string body, OperationKind operation = OperationKind.ChatCompletions) =>
        TestCalls.Call(provider, deployment, Encoding.UTF8.GetBytes(body), operation: operation);
}
