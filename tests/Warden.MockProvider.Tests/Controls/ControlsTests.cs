using System.Diagnostics;
using System.Text.Json;
using Warden.MockProvider.Tests.Anthropic;
using Warden.MockProvider.Tests.OpenAi;

namespace Warden.MockProvider.Tests.Controls;

/// <summary>Every control through every channel: server option, <c>x-mock-*</c> header and model-name directive.</summary>
public sealed class ControlsTests(MockServerFixture fixture) : IClassFixture<MockServerFixture>
{
    private const string ChatPath = "/v1/chat/completions";
    private const string MessagesPath = "/v1/messages";

    private static readonly TimeSpan s_latency = TimeSpan.FromMilliseconds(300);

    private MockServer Server => fixture.Server;

    private static string Chat(string model = "m", bool stream = false) =>
        JsonSerializer.Serialize(new { model, stream, messages = new[] { new { role = "user", content = "hello" } } });

    private static string Message(string model = "m", bool stream = false) =>
        JsonSerializer.Serialize(new { model, stream, max_tokens = 1024, messages = new[] { new { role = "user", content = "hello" } } });

    private static Dictionary<string, string> Header(string name, string value) => new() { [name] = value };

    // Latency

    [Fact]
    public async Task Latency_ServerOption_DelaysEveryAnswer()
    {
        await using var server = await MockServer.StartAsync(o => o.Latency = s_latency);

        var elapsed = await TimeAsync(server, ChatPath, Chat());

        Assert.True(elapsed >= s_latency, $"Answered after {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Latency_Header_DelaysTheAnswer()
    {
        var elapsed = await TimeAsync(Server, ChatPath, Chat(), Header("x-mock-latency-ms", "300"));

        Assert.True(elapsed >= s_latency, $"Answered after {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Latency_ModelDirective_DelaysTheAnswer()
    {
        var elapsed = await TimeAsync(Server, MessagesPath, Message("claude@latency=300"));

        Assert.True(elapsed >= s_latency, $"Answered after {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Latency_Streaming_DelaysTheResponseHeaders()
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await Server.PostAsync(ChatPath, Chat("m@latency=300", stream: true), completion: HttpCompletionOption.ResponseHeadersRead);

        Assert.True(stopwatch.Elapsed >= s_latency, $"Headers after {stopwatch.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(200, (int)response.StatusCode);
    }

    // Chunk interval

    [Fact]
    public async Task ChunkInterval_Header_SpacesTheChunks()
    {
        // 4 tokens: role, 4 content, finish, [DONE] = 7 chunks, so at least 6 intervals.
        var headers = new Dictionary<string, string> { ["x-mock-chunk-interval-ms"] = "60", ["x-mock-output-tokens"] = "4" };

        var elapsed = await TimeAsync(Server, ChatPath, Chat(stream: true), headers);

        Assert.True(elapsed >= TimeSpan.FromMilliseconds(6 * 60), $"Streamed in {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task ChunkInterval_ModelDirective_SpacesTheChunks()
    {
        // Anthropic, 2 tokens: start, block start, ping, 2 deltas, block stop, message delta, stop = 8 events.
        var elapsed = await TimeAsync(Server, MessagesPath, Message("claude@chunk-interval=60@tokens=2", stream: true));

        Assert.True(elapsed >= TimeSpan.FromMilliseconds(7 * 60), $"Streamed in {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task ChunkInterval_ServerOption_SpacesTheChunks()
    {
        await using var server = await MockServer.StartAsync(o =>
        {
            o.ChunkInterval = TimeSpan.FromMilliseconds(60);
            o.OutputTokens = 2;
        });

        var elapsed = await TimeAsync(server, ChatPath, Chat(stream: true));

        Assert.True(elapsed >= TimeSpan.FromMilliseconds(4 * 60), $"Streamed in {elapsed.TotalMilliseconds} ms");
    }

    // Output tokens

    [Fact]
    public async Task OutputTokens_ServerOption_SetsCompletionTokens()
    {
        await using var server = await MockServer.StartAsync(o => o.OutputTokens = 5);

        var body = await server.PostJsonAsync(ChatPath, Chat());

        Assert.Equal(5, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(5, body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!.Split(' ').Length);
    }

    [Fact]
    public async Task OutputTokens_Header_SetsCompletionTokens()
    {
        var body = await Server.PostJsonAsync(ChatPath, Chat(), headers: Header("x-mock-output-tokens", "40"));

        Assert.Equal(40, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task OutputTokens_ModelDirective_SetsOutputTokens()
    {
        var body = await Server.PostJsonAsync(MessagesPath, Message("claude@tokens=100"));

        Assert.Equal(100, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal("claude", body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task OutputTokens_Zero_AnswersEmptyContent()
    {
        var body = await Server.PostJsonAsync(ChatPath, Chat("m@tokens=0"));

        Assert.Equal("", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(0, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    // Cached tokens

    [Fact]
    public async Task CachedTokens_Directive_OverridesTheRule()
    {
        var body = await Server.PostJsonAsync(ChatPath, Chat("m@cached=1"));

        Assert.Equal(1, body.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    // Status

    [Theory]
    [InlineData(429, "requests", "rate_limit_exceeded")]
    [InlineData(500, "server_error", null)]
    [InlineData(503, "server_error", null)]
    [InlineData(401, "invalid_request_error", "invalid_api_key")]
    [InlineData(404, "invalid_request_error", "model_not_found")]
    public async Task Status_Header_OpenAiErrorOfThatStatus(int status, string type, string? code)
    {
        using var response = await Server.PostAsync(ChatPath, Chat("gpt-4o-mini"), Header("x-mock-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(status, (int)response.StatusCode);
        var error = await ChatCompletionsTests.OpenAiError(response);
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(status == 429, response.Headers.RetryAfter is not null);
    }

    [Theory]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(503, "overloaded_error")]
    [InlineData(529, "overloaded_error")]
    [InlineData(401, "authentication_error")]
    public async Task Status_ModelDirective_AnthropicErrorOfThatStatus(int status, string type)
    {
        using var response = await Server.PostAsync(MessagesPath, Message(FormattableString.Invariant($"claude@status={status}")));

        Assert.Equal(status, (int)response.StatusCode);
        var error = await MessagesTests.AnthropicError(response);
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(status == 429, response.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task Status_429_RetryAfterIsOneSecond()
    {
        using var response = await Server.PostAsync(ChatPath, Chat("m@status=429"));

        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Status_ServerOption_AnswersEveryApiRequest()
    {
        await using var server = await MockServer.StartAsync(o => o.FailStatus = 503);

        using var chat = await server.PostAsync(ChatPath, Chat());
        using var models = await server.Client.GetAsync("/v1/models");
        using var malformed = await server.PostAsync("/v1/embeddings", "not json");
        using var health = await server.Client.GetAsync("/healthz");

        Assert.Equal(503, (int)chat.StatusCode);
        Assert.Equal(503, (int)models.StatusCode);
        Assert.Equal(503, (int)malformed.StatusCode);
        Assert.Equal(200, (int)health.StatusCode);
    }

    [Fact]
    public async Task Status_StreamingRequest_FailsBeforeStreaming()
    {
        using var response = await Server.PostAsync(ChatPath, Chat("m@status=500", stream: true));

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    // Hang

    [Fact]
    public async Task Hang_Header_ClientTimesOutServerEndsTheRequestAndStaysHealthy()
    {
        await using var server = await MockServer.StartAsync();
        using var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMilliseconds(500) };
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatPath) { Content = new StringContent(Chat(), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("x-mock-hang", "true");

        await Assert.ThrowsAsync<TaskCanceledException>(() => client.SendAsync(request));

        // The hanging request ends once the client is gone: nothing keeps waiting on the server.
        await server.WaitForNoRequestInFlightAsync();
        var body = await server.PostJsonAsync(ChatPath, Chat());
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Hang_ModelDirective_ClientTimesOut()
    {
        await using var server = await MockServer.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.PostAsync(MessagesPath, Message("claude@hang"), cancellationToken: cts.Token));

        await server.WaitForNoRequestInFlightAsync();
    }

    [Fact]
    public async Task Hang_ServerOption_StoppingTheServerDropsTheHangingRequest()
    {
        var server = await MockServer.StartAsync(o => o.Hang = true);
        using var client = new HttpClient { BaseAddress = server.Url, Timeout = Timeout.InfiniteTimeSpan };
        var pending = client.PostAsync(ChatPath, new StringContent(Chat(), System.Text.Encoding.UTF8, "application/json"));
        await Task.Delay(300);
        Assert.False(pending.IsCompleted);

        // Stopping does not wait out the 30 s shutdown timeout for the hanging request: it is dropped at once.
        var stopwatch = Stopwatch.StartNew();
        await server.DisposeAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"Stopping took {stopwatch.Elapsed}");
        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
    }

    [Fact]
    public async Task Hang_HeaderFalse_OverridesServerOption()
    {
        await using var server = await MockServer.StartAsync(o => o.Hang = true);

        var body = await server.PostJsonAsync(ChatPath, Chat(), headers: Header("x-mock-hang", "false"));

        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
    }

    // Disconnect

    [Fact]
    public async Task Disconnect_Header_ClientSeesIOExceptionAfterNChunks()
    {
        var (received, exception) = await ReadUntilFailureAsync(Server, ChatPath, Chat(stream: true), Header("x-mock-disconnect-after", "3"));

        Assert.IsAssignableFrom<IOException>(exception);
        Assert.Equal(3, received.Count);
        Assert.DoesNotContain(received, r => r.Contains("[DONE]", StringComparison.Ordinal) || r.Contains("\"finish_reason\":\"stop\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disconnect_ModelDirective_AnthropicStreamEndsWithoutMessageStop()
    {
        var (received, exception) = await ReadUntilFailureAsync(Server, MessagesPath, Message("claude@disconnect=2", stream: true));

        Assert.IsAssignableFrom<IOException>(exception);
        Assert.Equal(["event: message_start", "event: content_block_start"], received);
    }

    [Fact]
    public async Task Disconnect_ServerOption_AbortsStreams()
    {
        await using var server = await MockServer.StartAsync(o => o.DisconnectAfterChunks = 1);

        var (received, exception) = await ReadUntilFailureAsync(server, ChatPath, Chat(stream: true));

        Assert.IsAssignableFrom<IOException>(exception);
        Assert.Single(received);
    }

    [Fact]
    public async Task Disconnect_StreamShorterThanN_CompletesNormally()
    {
        var events = await Server.StreamAsync(ChatPath, Chat("m@tokens=2@disconnect=50", stream: true));

        Assert.True(events[^1].IsDone);
    }

    [Fact]
    public async Task Disconnect_NonStreamingRequest_IsAnsweredNormally()
    {
        var body = await Server.PostJsonAsync(ChatPath, Chat("m@disconnect=1"));

        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Streaming_ClientGoesAwayMidStream_ServerEndsTheRequest()
    {
        await using var server = await MockServer.StartAsync();
        using (var response = await server.PostAsync(ChatPath, Chat("m@tokens=1000@chunk-interval=50", stream: true), completion: HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        }

        // 1000 chunks 50 ms apart would take 50 s: the server must notice the client left instead.
        await server.WaitForNoRequestInFlightAsync();
    }

    // Combinations and bad values

    [Fact]
    public async Task Directives_Combined_AllApply()
    {
        var stopwatch = Stopwatch.StartNew();
        var body = await Server.PostJsonAsync(ChatPath, Chat("mock@latency=200@tokens=5"));

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(200));
        Assert.Equal("mock", body.GetProperty("model").GetString());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Header_AndDirective_HeaderWins()
    {
        var body = await Server.PostJsonAsync(ChatPath, Chat("mock@tokens=5"), headers: Header("x-mock-output-tokens", "7"));

        Assert.Equal(7, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task InvalidDirective_Returns400NamingIt()
    {
        var body = await Server.PostJsonAsync(ChatPath, Chat("mock@status=abc"), expectedStatus: 400);

        Assert.StartsWith("model directive @status must be", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidHeader_Returns400NamingIt()
    {
        using var response = await Server.PostAsync(MessagesPath, Message(), Header("x-mock-status", "700"));

        Assert.Equal(400, (int)response.StatusCode);
        var error = await MessagesTests.AnthropicError(response);
        Assert.StartsWith("x-mock-status must be", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<TimeSpan> TimeAsync(MockServer server, string path, string json, IReadOnlyDictionary<string, string>? headers = null)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await server.PostAsync(path, json, headers);
        await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        return stopwatch.Elapsed;
    }

    /// <summary>Reads a stream line by line; returns the first line of each event received and the error that ended it.</summary>
    private static async Task<(List<string> Received, Exception? Error)> ReadUntilFailureAsync(MockServer server, string path, string json, IReadOnlyDictionary<string, string>? headers = null)
    {
        var received = new List<string>();
        using var response = await server.PostAsync(path, json, headers, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var atEventStart = true;
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    atEventStart = true;
                    continue;
                }

                if (atEventStart)
                {
                    received.Add(line);
                    atEventStart = false;
                }
            }
        }
        catch (Exception exception)
        {
            return (received, exception);
        }

        return (received, null);
    }
}
