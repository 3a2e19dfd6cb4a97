using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Warden.Testing;

namespace Warden.MockProvider.Tests;

/// <summary>A mock provider started in-process on a free loopback port, with an HttpClient pointed at it.</summary>
public sealed class MockServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MockServer(WebApplication app, MockProviderOptions options)
    {
        _app = app;
        Options = options;
        Client = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    public MockProviderOptions Options { get; }

    public Uri Url => Options.Url;

    public HttpClient Client { get; }

    public static async Task<MockServer> StartAsync(Action<MockProviderOptions>? configure = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var options = new MockProviderOptions { Url = FreePort.NextUrl() };
            configure?.Invoke(options);
            var app = MockProviderServer.Build(options);
            try
            {
                await app.StartAsync();
                return new MockServer(app, options);
            }
            catch (IOException) when (attempt < 5)
            {
                // Another test took the port between FreePort and Kestrel's bind: try another one.
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>POSTs <paramref name="json"/> with optional extra headers; the caller disposes the response.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string json, IReadOnlyDictionary<string, string>? headers = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request, completion, cancellationToken);
    }

    /// <summary>POSTs <paramref name="body"/> (JSON text, or an object to serialize) and parses the JSON answer, asserting the expected status.</summary>
    public async Task<JsonElement> PostJsonAsync(string path, object body, int expectedStatus = 200, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var response = await PostAsync(path, body as string ?? JsonSerializer.Serialize(body), headers);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>POSTs a streaming request and returns its events, asserting 200 and <c>text/event-stream</c>.</summary>
    public async Task<List<SseEvent>> StreamAsync(string path, object body, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var response = await PostAsync(path, body as string ?? JsonSerializer.Serialize(body), headers, HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Status {(int)response.StatusCode}: {text}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return SseEvent.Parse(text);
    }

    public async Task<JsonElement> GetJsonAsync(string path, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Status {(int)response.StatusCode}: {text}");
        Assert.Equal(new MediaTypeHeaderValue("application/json").MediaType, response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Waits until <c>/mock/stats</c> reports no request in flight (or fails after 15 s).</summary>
    public async Task WaitForNoRequestInFlightAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var stats = await GetJsonAsync("/mock/stats");
            var inFlight = stats.GetProperty("in_flight").GetInt64();
            if (inFlight == 0)
            {
                return;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"Still {inFlight} request(s) in flight: {stats}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
