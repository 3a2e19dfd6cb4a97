using System.Text.Json;

namespace Warden.MockProvider.Tests.Anthropic;

public sealed class MessagesTests(MockServerFixture fixture) : IClassFixture<MockServerFixture>
{
    private const string Path = "/v1/messages";

    private static readonly Dictionary<string, string> s_headers = new() { ["anthropic-version"] = "2023-06-01", ["x-api-key"] = "sk-ant-mock" };

    private static readonly object[] s_tools =
    [
        new
        {
            name = "get_weather",
            description = "Current weather",
            input_schema = new { type = "object", properties = new { city = new { type = "string" }, celsius = new { type = "boolean" } }, required = new[] { "city" } },
        },
    ];

    private MockServer Server => fixture.Server;

    private static object Message(string content, int maxTokens = 1024, string model = "claude-sonnet-4-5") =>
        new { model, max_tokens = maxTokens, messages = new[] { new { role = "user", content } } };

    [Fact]
    public async Task Post_NonStreaming_ReturnsMessageObject()
    {
        var body = await Server.PostJsonAsync(Path, Message("Hello, Claude"), headers: s_headers);

        Assert.StartsWith("msg_", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("message", body.GetProperty("type").GetString());
        Assert.Equal("assistant", body.GetProperty("role").GetString());
        Assert.Equal("claude-sonnet-4-5", body.GetProperty("model").GetString());
        var block = Assert.Single(body.GetProperty("content").EnumerateArray());
        Assert.Equal("text", block.GetProperty("type").GetString());
        Assert.Equal(16, block.GetProperty("text").GetString()!.Split(' ').Length);
        Assert.Equal("end_turn", body.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("stop_sequence").ValueKind);
        var usage = body.GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("input_tokens").GetInt32()); // "Hello, Claude\n" = 14 characters
        Assert.Equal(16, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cache_read_input_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_WithoutAnthropicVersionHeader_IsAccepted()
    {
        var body = await Server.PostJsonAsync(Path, Message("hi"));

        Assert.Equal("message", body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Post_SystemPrompt_CountsAsInput()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", max_tokens = 10, system = new string('s', 39), messages = new[] { new { role = "user", content = new string('u', 39) } } });

        Assert.Equal(20, body.GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_SameRequestTwice_SameContentAndUsage()
    {
        var first = await Server.PostJsonAsync(Path, Message("repeat"));
        var second = await Server.PostJsonAsync(Path, Message("repeat"));

        Assert.Equal(first.GetProperty("content").GetRawText(), second.GetProperty("content").GetRawText());
        Assert.Equal(first.GetProperty("usage").GetRawText(), second.GetProperty("usage").GetRawText());
    }

    [Fact]
    public async Task Post_MaxTokensBelowOutput_StopReasonMaxTokens()
    {
        var body = await Server.PostJsonAsync(Path, Message("hi", maxTokens: 5));

        Assert.Equal("max_tokens", body.GetProperty("stop_reason").GetString());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(5, body.GetProperty("content")[0].GetProperty("text").GetString()!.Split(' ').Length);
    }

    [Fact]
    public async Task Post_ToolChoiceAny_ReturnsToolUseBlock()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", max_tokens = 100, tools = s_tools, tool_choice = new { type = "any" }, messages = new[] { new { role = "user", content = "Weather?" } } });

        Assert.Equal("tool_use", body.GetProperty("stop_reason").GetString());
        var block = Assert.Single(body.GetProperty("content").EnumerateArray());
        Assert.Equal("tool_use", block.GetProperty("type").GetString());
        Assert.StartsWith("toolu_", block.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("get_weather", block.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.String, block.GetProperty("input").GetProperty("city").ValueKind);
        Assert.True(block.GetProperty("input").GetProperty("celsius").GetBoolean());
    }

    [Fact]
    public async Task Post_UserAsksToCallTool_ReturnsToolUse()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", max_tokens = 100, tools = s_tools, messages = new[] { new { role = "user", content = "call tool please" } } });

        Assert.Equal("tool_use", body.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Post_ToolChoiceNone_ReturnsText()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", max_tokens = 100, tools = s_tools, tool_choice = new { type = "none" }, messages = new[] { new { role = "user", content = "call tool please" } } });

        Assert.Equal("end_turn", body.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Post_CacheControlOnLongPrompt_ReportsCacheReadAndCreation()
    {
        var request = new
        {
            model = "m",
            max_tokens = 10,
            system = new object[] { new { type = "text", text = new string('s', 8191), cache_control = new { type = "ephemeral" } } },
            messages = new[] { new { role = "user", content = "question" } },
        };

        var usage = (await Server.PostJsonAsync(Path, request)).GetProperty("usage");

        // 8192 + 9 characters = 2051 prompt tokens: 1024 read from the cache, (2051 - 1024) / 2 = 513 written, 514 uncached.
        Assert.Equal(1024, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(513, usage.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(514, usage.GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_LongPromptWithoutCacheControl_ReportsNoCache()
    {
        var usage = (await Server.PostJsonAsync(Path, Message(new string('x', 8191), maxTokens: 10))).GetProperty("usage");

        Assert.Equal(0, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(2048, usage.GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_SendsTheRealEventSequence()
    {
        var events = await Server.StreamAsync(Path, new { model = "claude-sonnet-4-5", max_tokens = 1024, stream = true, messages = new[] { new { role = "user", content = "Stream please" } } }, s_headers);

        var names = events.Select(e => e.Name).ToList();
        string[] expected =
        [
            "message_start", "content_block_start", "ping",
            .. Enumerable.Repeat("content_block_delta", 16),
            "content_block_stop", "message_delta", "message_stop",
        ];
        Assert.Equal(expected, names);
        Assert.All(events, e => Assert.Equal(e.Name, e.Json.GetProperty("type").GetString()));

        var start = events[0].Json.GetProperty("message");
        Assert.StartsWith("msg_", start.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("claude-sonnet-4-5", start.GetProperty("model").GetString());
        Assert.Equal(4, start.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal("text", events[1].Json.GetProperty("content_block").GetProperty("type").GetString());
        Assert.All(events.Where(e => e.Name == "content_block_delta"), e => Assert.Equal("text_delta", e.Json.GetProperty("delta").GetProperty("type").GetString()));
        var delta = events[^2].Json;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(16, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());

        var text = string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Json.GetProperty("delta").GetProperty("text").GetString()));
        var whole = await Server.PostJsonAsync(Path, new { model = "claude-sonnet-4-5", max_tokens = 1024, messages = new[] { new { role = "user", content = "Stream please" } } });
        Assert.Equal(whole.GetProperty("content")[0].GetProperty("text").GetString(), text);
    }

    [Fact]
    public async Task Stream_MaxTokens_MessageDeltaSaysMaxTokens()
    {
        var events = await Server.StreamAsync(Path, new { model = "m", max_tokens = 2, stream = true, messages = new[] { new { role = "user", content = "x" } } });

        Assert.Equal(2, events.Count(e => e.Name == "content_block_delta"));
        var delta = events.Single(e => e.Name == "message_delta").Json;
        Assert.Equal("max_tokens", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(2, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_ToolUse_SendsInputJsonDeltas()
    {
        var request = new { model = "m", max_tokens = 100, tools = s_tools, tool_choice = new { type = "tool", name = "get_weather" }, messages = new[] { new { role = "user", content = "Weather?" } } };
        var whole = await Server.PostJsonAsync(Path, request);
        var events = await Server.StreamAsync(Path, new { request.model, request.max_tokens, request.tools, request.tool_choice, request.messages, stream = true });

        var block = events.Single(e => e.Name == "content_block_start").Json.GetProperty("content_block");
        Assert.Equal("tool_use", block.GetProperty("type").GetString());
        Assert.Equal("get_weather", block.GetProperty("name").GetString());
        Assert.Empty(block.GetProperty("input").EnumerateObject());
        var deltas = events.Where(e => e.Name == "content_block_delta").Select(e => e.Json.GetProperty("delta")).ToList();
        Assert.All(deltas, d => Assert.Equal("input_json_delta", d.GetProperty("type").GetString()));
        Assert.Equal("", deltas[0].GetProperty("partial_json").GetString());
        var input = string.Concat(deltas.Select(d => d.GetProperty("partial_json").GetString()));
        Assert.Equal(whole.GetProperty("content")[0].GetProperty("input").GetRawText(), input);
        Assert.Equal("tool_use", events.Single(e => e.Name == "message_delta").Json.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Theory]
    [InlineData("""{"max_tokens":10,"messages":[]}""", "model: Field required")]
    [InlineData("""{"model":"m","max_tokens":10}""", "messages: Field required")]
    [InlineData("""{"model":"m","messages":[]}""", "max_tokens: Field required")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[]}""", "max_tokens: Input should be")]
    [InlineData("""{"model":""", "There was an error parsing the body")]
    public async Task Post_InvalidRequest_Returns400InAnthropicShape(string json, string message)
    {
        using var response = await Server.PostAsync(Path, json, s_headers);

        Assert.Equal(400, (int)response.StatusCode);
        var error = await AnthropicError(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.StartsWith(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountTokens_ReturnsInputTokens()
    {
        var body = await Server.PostJsonAsync("/v1/messages/count_tokens", new { model = "m", messages = new[] { new { role = "user", content = "Hello, Claude" } } });

        Assert.Equal(4, body.GetProperty("input_tokens").GetInt32());
    }

    internal static async Task<JsonElement> AnthropicError(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.StartsWith("req_", root.GetProperty("request_id").GetString(), StringComparison.Ordinal);
        var error = root.GetProperty("error").Clone();
        Assert.Equal(["type", "message"], error.EnumerateObject().Select(p => p.Name));
        return error;
    }
}
