using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Warden.Gateway.Tests.Harness;

namespace Warden.Gateway.Tests.Sdk;

/// <summary>
/// The official OpenAI .NET SDK, unchanged except for its endpoint, against a real gateway (SPEC DP-1: any official
/// SDK must work with <c>base_url</c> pointed at the gateway): chat, streaming, tool calls, embeddings, the model list
/// and every DP-2 error status the standard configuration can produce.
/// </summary>
public sealed class DotNetOpenAiSdkTests : IClassFixture<StandardGateway>
{
    private const string Prompt = "Say hello to the gateway from the .NET SDK.";

    // Arguments the mock builds from this schema: a word for the string, the first enum value, a number.
    private static readonly ChatTool s_weatherTool = ChatTool.CreateFunctionTool(
        "get_weather",
        "Gets the current weather for a city.",
        BinaryData.FromString("""
            {"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer"}},"required":["city"]}
            """));

    private readonly StandardGateway _gateway;
    private readonly RequestIdRecorder _requestIds = new();

    public DotNetOpenAiSdkTests(StandardGateway gateway)
    {
        _gateway = gateway;
    }

    [Fact]
    public async Task Chat_NonStreaming_ReturnsAnswer_AndUsageEventMatchesReportedTokens()
    {
        var chat = Client().GetChatClient("chat-default");

        var result = await chat.CompleteChatAsync([new UserChatMessage(Prompt)]);

        var completion = result.Value;
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        var text = Assert.Single(completion.Content).Text;
        Assert.Equal(16, text.Split(' ').Length);
        Assert.Equal(16, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 0);
        var requestId = RequestIdOf(result);
        var recorded = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId);
        Assert.Equal("ok", recorded.Status);
        Assert.Equal("chat-default", recorded.LogicalModel);
        Assert.True(recorded.UsageReported);
        Assert.Equal(completion.Usage.InputTokenCount, recorded.Tokens.InputTokens);
        Assert.Equal(completion.Usage.OutputTokenCount, recorded.Tokens.OutputTokens);
    }

    [Fact]
    public async Task Chat_Streaming_AssemblesSameTextAsNonStreaming_FinalUpdateCarriesUsage_AndUsageIsRecorded()
    {
        var chat = Client().GetChatClient("chat-default");
        var whole = (await chat.CompleteChatAsync([new UserChatMessage(Prompt)])).Value;
        var text = new StringBuilder();
        ChatFinishReason? finishReason = null;
        StreamingChatCompletionUpdate? last = null;
        var updates = 0;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(Prompt)]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finishReason = update.FinishReason ?? finishReason;
            last = update;
        }

        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finishReason);
        Assert.True(updates > 16, $"expected one update per token, got {updates}");
        Assert.NotNull(last);
        var usage = last.Usage;
        Assert.NotNull(usage);
        Assert.Equal(16, usage.OutputTokenCount);
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
        var requestId = _requestIds.Ids[^1];
        var recorded = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId);
        Assert.Equal("ok", recorded.Status);
        Assert.True(recorded.UsageReported);
        Assert.Equal(usage.InputTokenCount, recorded.Tokens.InputTokens);
        Assert.Equal(usage.OutputTokenCount, recorded.Tokens.OutputTokens);
    }

    [Fact]
    public async Task Chat_ToolCall_NonStreaming_FinishReasonToolCalls_AndArgumentsFollowTheSchema()
    {
        var chat = Client().GetChatClient("chat-default");
        var options = new ChatCompletionOptions { Tools = { s_weatherTool } };
        List<ChatMessage> messages = [new UserChatMessage("Please call tool get_weather for Paris.")];

        var completion = (await chat.CompleteChatAsync(messages, options)).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal(ChatToolCallKind.Function, call.Kind);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.False(string.IsNullOrEmpty(call.Id));
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal(JsonValueKind.String, arguments.RootElement.GetProperty("city").ValueKind);
        Assert.Equal("celsius", arguments.RootElement.GetProperty("unit").GetString());
        Assert.Equal(JsonValueKind.Number, arguments.RootElement.GetProperty("days").ValueKind);

        // The tool result goes back through the gateway (assistant tool_calls + tool message) and gets an answer.
        messages.Add(new AssistantChatMessage(completion));
        messages.Add(new ToolChatMessage(call.Id, """{"temperature":21}"""));
        var answer = (await chat.CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { s_weatherTool }, ToolChoice = ChatToolChoice.CreateNoneChoice() })).Value;
        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.Empty(answer.ToolCalls);
        Assert.False(string.IsNullOrWhiteSpace(answer.Content[0].Text));
    }

    [Fact]
    public async Task Chat_ToolCall_Streaming_UpdatesCarryNameThenArgumentPieces_AndFinishReasonToolCalls()
    {
        var chat = Client().GetChatClient("chat-default");
        var options = new ChatCompletionOptions { Tools = { s_weatherTool }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather") };
        string? name = null;
        string? id = null;
        var arguments = new StringBuilder();
        var argumentUpdates = 0;
        ChatFinishReason? finishReason = null;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("What is the weather in Oslo?")], options))
        {
            foreach (var toolCall in update.ToolCallUpdates)
            {
                Assert.Equal(0, toolCall.Index);
                name ??= toolCall.FunctionName;
                id ??= toolCall.ToolCallId;
                if (toolCall.FunctionArgumentsUpdate is { } piece && !piece.ToMemory().IsEmpty)
                {
                    arguments.Append(piece.ToString());
                    argumentUpdates++;
                }
            }

            finishReason = update.FinishReason ?? finishReason;
        }

        Assert.Equal("get_weather", name);
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal(ChatFinishReason.ToolCalls, finishReason);
        Assert.True(argumentUpdates > 1, $"arguments should arrive in pieces, got {argumentUpdates}");
        using var parsed = JsonDocument.Parse(arguments.ToString());
        Assert.Equal("celsius", parsed.RootElement.GetProperty("unit").GetString());
    }

    [Fact]
    public async Task Embeddings_TwoInputs_ReturnTwoUnitVectorsInOrder()
    {
        var embeddings = Client().GetEmbeddingClient("embed");

        var result = await embeddings.GenerateEmbeddingsAsync(["first text", "second text"]);

        var collection = result.Value;
        Assert.Equal(2, collection.Count);
        Assert.Equal(0, collection[0].Index);
        Assert.Equal(1, collection[1].Index);
        var first = collection[0].ToFloats().ToArray();
        var second = collection[1].ToFloats().ToArray();
        Assert.Equal(first.Length, second.Length);
        Assert.NotEqual(first, second);
        Assert.InRange(Math.Sqrt(first.Sum(x => (double)x * x)), 0.999, 1.001);
        Assert.True(collection.Usage.InputTokenCount > 0);
        var requestId = RequestIdOf(result);
        var recorded = await _gateway.Harness.Usage.WaitForAsync(e => e.RequestId == requestId);
        Assert.Equal("embed", recorded.LogicalModel);
        Assert.Equal(collection.Usage.InputTokenCount, recorded.Tokens.InputTokens);
    }

    [Fact]
    public async Task Models_List_ShowsTheKeysModels_AndRestrictedKeySeesOnlyItsAllowList()
    {
        var all = (await Client().GetOpenAIModelClient().GetModelsAsync()).Value;
        var restricted = (await Client(_gateway.RestrictedKey).GetOpenAIModelClient().GetModelsAsync()).Value;

        var ids = all.Select(m => m.Id).ToList();
        Assert.Contains("chat-default", ids);
        Assert.Contains("embed", ids);
        Assert.Contains("restricted-model", ids);
        Assert.All(all, m => Assert.Equal("acme.payments", m.OwnedBy));
        Assert.Equal(["chat-default"], restricted.Select(m => m.Id));
    }

    [Theory]
    [InlineData("max_completion_tokens is zero", 400, "invalid_request")]
    [InlineData("invalid key", 401, "invalid_api_key")]
    [InlineData("revoked key", 401, "key_revoked")]
    [InlineData("expired key", 401, "key_expired")]
    [InlineData("model outside the group allow-list", 403, "model_not_allowed")]
    [InlineData("unknown model", 404, "model_not_found")]
    [InlineData("message over 10 MiB", 413, "payload_too_large")]
    [InlineData("every upstream target rate limited", 429, "rate_limit_exceeded")]
    [InlineData("upstream answers 503", 502, "upstream_error")]
    [InlineData("upstream unreachable", 503, "upstream_unavailable")]
    [InlineData("upstream never answers", 504, "upstream_timeout")]
    public async Task Chat_GateRejects_SdkThrowsClientResultExceptionWithStatusAndCode(string scenario, int status, string code)
    {
        var (key, model, message, options) = scenario switch
        {
            "max_completion_tokens is zero" => (_gateway.Key, "chat-default", Prompt, new ChatCompletionOptions { MaxOutputTokenCount = 0 }),
            "invalid key" => ("wdn_notarealkey2_" + new string('x', 32), "chat-default", Prompt, null),
            "revoked key" => (_gateway.OtherProjectKeyRevoked, "chat-default", Prompt, null),
            "expired key" => (_gateway.ExpiredKey, "chat-default", Prompt, null),
            "model outside the group allow-list" => (_gateway.RestrictedKey, "restricted-model", Prompt, null),
            "unknown model" => (_gateway.Key, "no-such-model", Prompt, null),
            "message over 10 MiB" => (_gateway.Key, "chat-default", new string('a', 10 * 1024 * 1024 + 1024), null),
            "every upstream target rate limited" => (_gateway.Key, "always-429", Prompt, null),
            "upstream answers 503" => (_gateway.Key, "always-503", Prompt, null),
            "upstream unreachable" => (_gateway.Key, "unreachable", Prompt, null),
            "upstream never answers" => (_gateway.Key, "always-timeout", Prompt, null),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
        };
        var chat = Client(key).GetChatClient(model);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(message)], options));

        Assert.True(status == ex.Status, $"expected {status}, got {ex.Status}: {ex}");
        AssertErrorBody(ex, code);
        if (status == 400)
        {
            Assert.Equal("max_completion_tokens", ErrorOf(ex).GetProperty("param").GetString());
        }
    }

    [Fact]
    public async Task ChatStreaming_UpstreamFailsBeforeFirstByte_SdkThrows502WithCode()
    {
        var chat = Client().GetChatClient("always-503");

        var ex = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in chat.CompleteChatStreamingAsync([new UserChatMessage(Prompt)]))
            {
            }
        });

        Assert.Equal(502, ex.Status);
        AssertErrorBody(ex, "upstream_error");
    }

    [Fact]
    public async Task ChatStreaming_UnknownModel_SdkThrows404BeforeAnyUpdate()
    {
        var chat = Client().GetChatClient("no-such-model");
        var updates = 0;

        var ex = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in chat.CompleteChatStreamingAsync([new UserChatMessage(Prompt)]))
            {
                updates++;
            }
        });

        Assert.Equal(404, ex.Status);
        Assert.Equal(0, updates);
        AssertErrorBody(ex, "model_not_found");
    }

    [Fact]
    public async Task Embeddings_UnknownModel_SdkThrows404ModelNotFound()
    {
        var embeddings = Client().GetEmbeddingClient("no-such-embedding-model");

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => embeddings.GenerateEmbeddingsAsync(["text"]));

        Assert.Equal(404, ex.Status);
        AssertErrorBody(ex, "model_not_found");
    }

    [Fact]
    public async Task Models_InvalidKey_SdkThrows401()
    {
        var models = Client("not-a-warden-key").GetOpenAIModelClient();

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => models.GetModelsAsync());

        Assert.Equal(401, ex.Status);
        AssertErrorBody(ex, "invalid_api_key");
    }

    private OpenAIClient Client(string? key = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = _gateway.Harness.ApiBase,
            // The SDK retries 429/5xx by default; the status under test must be the gateway's first answer.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(30),
        };
        options.AddPolicy(_requestIds, PipelinePosition.PerCall);
        return new OpenAIClient(new ApiKeyCredential(key ?? _gateway.Key), options);
    }

    private static string RequestIdOf(ClientResult result)
    {
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-request-id", out var requestId), "x-request-id is missing");
        Assert.False(string.IsNullOrEmpty(requestId));
        return requestId!;
    }

    private static void AssertErrorBody(ClientResultException ex, string code)
    {
        var response = ex.GetRawResponse();
        Assert.NotNull(response);
        Assert.True(response.Headers.TryGetValue("x-request-id", out var requestId) && !string.IsNullOrEmpty(requestId), "x-request-id is missing");
        var error = ErrorOf(ex);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()));
    }

    private static JsonElement ErrorOf(ClientResultException ex)
    {
        var body = ex.GetRawResponse()!.Content.ToString();
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("error").Clone();
    }
}
