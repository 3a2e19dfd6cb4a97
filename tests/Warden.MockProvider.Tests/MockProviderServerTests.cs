using System.Text.Json;
using Warden.MockProvider.Tests.OpenAi;
using Warden.Testing;

namespace Warden.MockProvider.Tests;

public sealed class MockProviderServerTests(MockServerFixture fixture) : IClassFixture<MockServerFixture>
{
    private MockServer Server => fixture.Server;

    [Theory]
    [InlineData("GET", "/v1/nothing")]
    [InlineData("POST", "/v2/chat/completions")]
    public async Task UnknownPath_Returns404InOpenAiShape(string method, string path)
    {
        using var response = await Server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(404, (int)response.StatusCode);
        var error = await ChatCompletionsTests.OpenAiError(response);
        Assert.Equal($"Invalid URL ({method} {path})", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Healthz_ReturnsOk()
    {
        using var response = await Server.Client.GetAsync("/healthz");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ConcurrentRequests_AreAllAnswered()
    {
        var requests = Enumerable.Range(0, 20).Select(i => Server.PostJsonAsync(
            "/v1/chat/completions",
            new { model = "m", stream = false, messages = new[] { new { role = "user", content = $"request {i}" } } }));

        var bodies = await Task.WhenAll(requests);

        Assert.All(bodies, b => Assert.Equal("chat.completion", b.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task RunAsync_ServesUntilCancelled()
    {
        var url = FreePort.NextUrl();
        using var cts = new CancellationTokenSource();
        var run = MockProviderServer.RunAsync(new MockProviderOptions { Url = url }, cts.Token);
        using var client = new HttpClient { BaseAddress = url };

        JsonElement? models = null;
        for (var attempt = 0; attempt < 100 && models is null; attempt++)
        {
            try
            {
                models = JsonDocument.Parse(await client.GetStringAsync("/v1/models")).RootElement.Clone();
            }
            catch (HttpRequestException)
            {
                Assert.False(run.IsCompleted, "RunAsync ended early");
                await Task.Delay(100);
            }
        }

        Assert.Equal("list", models?.GetProperty("object").GetString());
        await cts.CancelAsync();
        await run;
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("/healthz"));
    }
}
