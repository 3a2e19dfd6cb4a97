using System.Text.Json;

namespace Warden.MockProvider.Tests.OpenAi;

public sealed class ChatCompletionsTests(MockServerFixture fixture) : IClassFixture<MockServerFixture>
{
    private const string Path = "/v1/chat/completions";

    private static readonly object[] s_weatherTools =
    [
        new
        {
            type = "function",
            function = new
            {
                name = "get_weather",
                description = "Current weather",
                parameters = new
                {
                    type = "object",
                    properties = new
                    {
                        city = new { type = "string" },
                        unit = new { type = "string", @enum = new[] { "celsius", "fahrenheit" } },
                        days = new { type = "integer" },
                    },
                    required = new[] { "city" },
                },
            },
        },
        new { type = "function", function = new { name = "get_time", parameters = new { type = "object", properties = new { } } } },
    ];

    private MockServer Server => fixture.Server;

    private static object Chat(string content, string model = "gpt-4o-mini") =>
        new { model, messages = new[] { new { role = "user", content } } };

    [Fact]
    public async Task Post_NonStreaming_ReturnsChatCompletionObject()
    {
        var body = await Server.PostJsonAsync(Path, Chat("Hello there"));

        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.True(body.GetProperty("created").GetInt64() > 1_700_000_000);
        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
        var choice = Assert.Single(body.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal(16, choice.GetProperty("message").GetProperty("content").GetString()!.Split(' ').Length);
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = body.GetProperty("usage");
        Assert.Equal(3, usage.GetProperty("prompt_tokens").GetInt32()); // "Hello there\n" = 12 characters
        Assert.Equal(16, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(19, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_Answer_CarriesRequestIdHeader()
    {
        using var response = await Server.PostAsync(Path, JsonSerializer.Serialize(Chat("hi")));

        Assert.StartsWith("req_", response.Headers.GetValues("x-request-id").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SameRequestTwice_SameContentAndUsage()
    {
        var first = await Server.PostJsonAsync(Path, Chat("Determinism, please"));
        var second = await Server.PostJsonAsync(Path, Chat("Determinism, please"));

        Assert.Equal(Content(first), Content(second));
        Assert.Equal(first.GetProperty("usage").GetRawText(), second.GetProperty("usage").GetRawText());
        Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Post_DifferentPrompts_DifferentContent()
    {
        var first = await Server.PostJsonAsync(Path, Chat("What is a gateway?"));
        var second = await Server.PostJsonAsync(Path, Chat("What is a budget?"));

        Assert.NotEqual(Content(first), Content(second));
    }

    [Fact]
    public async Task Post_PromptTokens_CountAllMessageContentAtFourCharactersPerToken()
    {
        var request = new
        {
            model = "m",
            messages = new object[]
            {
                new { role = "system", content = new string('s', 39) },
                new { role = "user", content = new object[] { new { type = "text", text = new string('u', 79) } } },
            },
        };

        var body = await Server.PostJsonAsync(Path, request);

        // (39 + 1) + (79 + 1) characters, each message text ends with a separator: 120 / 4.
        Assert.Equal(30, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_LongPrompt_ReportsPartAsCachedTokens()
    {
        var body = await Server.PostJsonAsync(Path, Chat(new string('x', 4999)));

        var usage = body.GetProperty("usage");
        Assert.Equal(1250, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(512, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_NGreaterThanOne_ReturnsNChoicesAndBillsThemAll()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", n = 3, messages = new[] { new { role = "user", content = "hi" } } });

        var choices = body.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(3, choices.Select(c => c.GetProperty("message").GetProperty("content").GetString()).Distinct().Count());
        Assert.Equal(48, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    public async Task Post_MaxTokensBelowOutputTokens_StopsAtTheLimitWithFinishReasonLength(string parameter)
    {
        var request = new Dictionary<string, object>
        {
            ["model"] = "m",
            ["messages"] = new[] { new { role = "user", content = "hi" } },
            [parameter] = 3,
        };

        var body = await Server.PostJsonAsync(Path, request);

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(3, choice.GetProperty("message").GetProperty("content").GetString()!.Split(' ').Length);
        Assert.Equal(3, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_MaxTokensAboveOutputTokens_FinishReasonStop()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", max_tokens = 100, messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(16, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_ToolChoiceRequired_ReturnsToolCallWithArgumentsFromTheSchema()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", tools = s_weatherTools, tool_choice = "required", messages = new[] { new { role = "user", content = "Weather in Paris?" } } });

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.StartsWith("call_", call.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        using var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.Equal(JsonValueKind.String, arguments.RootElement.GetProperty("city").ValueKind);
        Assert.Equal("celsius", arguments.RootElement.GetProperty("unit").GetString());
        Assert.Equal(JsonValueKind.Number, arguments.RootElement.GetProperty("days").ValueKind);
        Assert.True(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Post_UserAsksToCallTool_ReturnsToolCall()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", tools = s_weatherTools, messages = new[] { new { role = "user", content = "Please CALL TOOL for the weather" } } });

        Assert.Equal("tool_calls", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Post_ToolChoiceNamesFunction_CallsThatFunction()
    {
        var body = await Server.PostJsonAsync(Path, new
        {
            model = "m",
            tools = s_weatherTools,
            tool_choice = new { type = "function", function = new { name = "get_time" } },
            messages = new[] { new { role = "user", content = "What time is it?" } },
        });

        var call = body.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("get_time", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{}", call.GetProperty("function").GetProperty("arguments").GetString());
    }

    [Theory]
    [InlineData("none", "call tool now")]
    [InlineData("auto", "just chat")]
    public async Task Post_ToolsWithoutTrigger_ReturnsText(string toolChoice, string content)
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", tools = s_weatherTools, tool_choice = toolChoice, messages = new[] { new { role = "user", content } } });

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
    }

    [Fact]
    public async Task Post_ModelWithDirectives_EchoesTheModelWithoutThem()
    {
        var body = await Server.PostJsonAsync(Path, Chat("hi", "gpt-4o-mini@tokens=2@latency=1"));

        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
        Assert.Equal(2, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_WithoutIncludeUsage_SendsRoleContentFinishThenDone()
    {
        var events = await Server.StreamAsync(Path, new { model = "gpt-4o-mini", stream = true, messages = new[] { new { role = "user", content = "Stream me" } } });

        Assert.True(events[^1].IsDone);
        var chunks = events[..^1].Select(e => e.Json).ToList();
        Assert.Equal(1 + 16 + 1, chunks.Count);
        Assert.All(chunks, c =>
        {
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.Equal("gpt-4o-mini", c.GetProperty("model").GetString());
            Assert.False(c.TryGetProperty("usage", out _));
        });
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        var first = chunks[0].GetProperty("choices")[0];
        Assert.Equal("assistant", first.GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("finish_reason").ValueKind);
        var last = chunks[^1].GetProperty("choices")[0];
        Assert.Equal("stop", last.GetProperty("finish_reason").GetString());
        Assert.Empty(last.GetProperty("delta").EnumerateObject());

        var streamed = string.Concat(chunks.Skip(1).SkipLast(1).Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        var whole = await Server.PostJsonAsync(Path, new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "Stream me" } } });
        Assert.Equal(Content(whole), streamed);
    }

    [Fact]
    public async Task Stream_WithIncludeUsage_EndsWithUsageChunkWithEmptyChoices()
    {
        var events = await Server.StreamAsync(Path, new
        {
            model = "m",
            stream = true,
            stream_options = new { include_usage = true },
            messages = new[] { new { role = "user", content = "Stream me" } },
        });

        Assert.True(events[^1].IsDone);
        var chunks = events[..^1].Select(e => e.Json).ToList();
        Assert.Equal(1 + 16 + 1 + 1, chunks.Count);
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
        var usageChunk = chunks[^1];
        Assert.Empty(usageChunk.GetProperty("choices").EnumerateArray());
        var usage = usageChunk.GetProperty("usage");
        Assert.Equal(3, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(16, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(19, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_IncludeUsageFalse_HasNoUsageChunk()
    {
        var events = await Server.StreamAsync(Path, new { model = "m", stream = true, stream_options = new { include_usage = false }, messages = new[] { new { role = "user", content = "x" } } });

        Assert.DoesNotContain(events.Where(e => !e.IsDone), e => e.Json.TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task Stream_ToolCall_SendsToolCallDeltasThatAssembleToTheArguments()
    {
        var request = new { model = "m", tools = s_weatherTools, tool_choice = "required", messages = new[] { new { role = "user", content = "Weather?" } } };
        var whole = await Server.PostJsonAsync(Path, request);
        var events = await Server.StreamAsync(Path, new { request.model, request.tools, request.tool_choice, request.messages, stream = true });

        var chunks = events[..^1].Select(e => e.Json.GetProperty("choices")[0]).ToList();
        var header = chunks[0].GetProperty("delta");
        Assert.Equal("assistant", header.GetProperty("role").GetString());
        var firstCall = header.GetProperty("tool_calls")[0];
        Assert.Equal(0, firstCall.GetProperty("index").GetInt32());
        Assert.StartsWith("call_", firstCall.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("get_weather", firstCall.GetProperty("function").GetProperty("name").GetString());
        Assert.True(chunks.Count > 3);
        var arguments = string.Concat(chunks.SkipLast(1).Select(c => c.GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()));
        var expected = whole.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString();
        Assert.Equal(expected, arguments);
        Assert.Equal("tool_calls", chunks[^1].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Stream_NGreaterThanOne_SendsEveryChoiceWithItsFinish()
    {
        var events = await Server.StreamAsync(Path, new { model = "m", n = 2, stream = true, messages = new[] { new { role = "user", content = "x" } } });

        var choices = events[..^1].Select(e => e.Json.GetProperty("choices")[0]).ToList();
        Assert.Equal(2 * (1 + 16 + 1), choices.Count);
        Assert.Equal(2, choices.Count(c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String));
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()).Distinct().Order());
    }

    [Fact]
    public async Task Post_MalformedJson_Returns400InOpenAiShape()
    {
        using var response = await Server.PostAsync(Path, "{\"model\": ");

        Assert.Equal(400, (int)response.StatusCode);
        var error = await OpenAiError(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("could not parse the JSON body", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Equal(JsonValueKind.Null, error.GetProperty("code").ValueKind);
    }

    [Fact]
    public async Task Post_MissingModel_Returns400()
    {
        var body = await Server.PostJsonAsync(Path, new { messages = new[] { new { role = "user", content = "x" } } }, expectedStatus: 400);

        Assert.Equal("you must provide a model parameter", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_MissingMessages_Returns400NamingTheParameter()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m" }, expectedStatus: 400);

        var error = body.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal("missing_required_parameter", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Post_BadN_Returns400NamingTheParameter()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", n = 0, messages = new[] { new { role = "user", content = "x" } } }, expectedStatus: 400);

        Assert.Equal("n", body.GetProperty("error").GetProperty("param").GetString());
    }

    private static string Content(JsonElement completion) =>
        completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

    internal static async Task<JsonElement> OpenAiError(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = document.RootElement.GetProperty("error").Clone();
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        return error;
    }
}
