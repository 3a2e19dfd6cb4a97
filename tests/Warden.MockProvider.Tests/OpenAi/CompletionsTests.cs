using System.Text.Json;

namespace Warden.MockProvider.Tests.OpenAi;

public sealed class CompletionsTests(MockServerFixture fixture) : IClassFixture<MockServerFixture>
{
    private const string Path = "/v1/completions";

    private MockServer Server => fixture.Server;

    [Fact]
    public async Task Post_NonStreaming_ReturnsTextCompletionObject()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "gpt-3.5-turbo-instruct", prompt = "Once upon a time" });

        Assert.StartsWith("cmpl-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Equal("gpt-3.5-turbo-instruct", body.GetProperty("model").GetString());
        var choice = Assert.Single(body.GetProperty("choices").EnumerateArray());
        Assert.Equal(16, choice.GetProperty("text").GetString()!.Split(' ').Length);
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        var usage = body.GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(16, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(20, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_PromptArrayAndN_OneChoicePerPromptAndN()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", prompt = new[] { "first", "second" }, n = 2, max_tokens = 4 });

        var choices = body.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c => Assert.Equal("length", c.GetProperty("finish_reason").GetString()));
        Assert.Equal(16, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_TokenArrayPrompt_CountsTheTokens()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", prompt = new[] { 1, 2, 3, 4, 5 } });

        Assert.Equal(5, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_SendsOneTokenPerChunkThenFinishThenDone()
    {
        var events = await Server.StreamAsync(Path, new { model = "m", prompt = "Once", stream = true });

        Assert.True(events[^1].IsDone);
        var chunks = events[..^1].Select(e => e.Json).ToList();
        Assert.Equal(16 + 1, chunks.Count);
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.All(chunks, c => Assert.False(c.TryGetProperty("usage", out _)));
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var text = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString()));
        var whole = await Server.PostJsonAsync(Path, new { model = "m", prompt = "Once" });
        Assert.Equal(whole.GetProperty("choices")[0].GetProperty("text").GetString(), text);
    }

    [Fact]
    public async Task Stream_WithIncludeUsage_EndsWithUsageChunk()
    {
        var events = await Server.StreamAsync(Path, new { model = "m", prompt = "Once", stream = true, stream_options = new { include_usage = true } });

        var usageChunk = events[^2].Json;
        Assert.Empty(usageChunk.GetProperty("choices").EnumerateArray());
        Assert.Equal(16, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(JsonValueKind.Null, events[0].Json.GetProperty("usage").ValueKind);
    }

    [Fact]
    public async Task Post_MissingPrompt_Returns400()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m" }, expectedStatus: 400);

        Assert.Equal("prompt", body.GetProperty("error").GetProperty("param").GetString());
    }
}
