using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Warden.Gateway.Tests.BadInput;

/// <summary>
/// Sends every request of <see cref="MalformedRequestCorpus"/> to a real gateway: each must be answered with a 4xx and
/// an OpenAI-style JSON error carrying a message and a code, plus <c>x-request-id</c> (SPEC DP-2) — and a storm of
/// them must leave the gateway serving.
/// </summary>
public sealed class MalformedRequestCorpusTests : IClassFixture<CorpusGateway>
{
    private readonly CorpusGateway _gateway;

    public MalformedRequestCorpusTests(CorpusGateway gateway)
    {
        _gateway = gateway;
    }

    public static TheoryData<string> CaseNames
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var name in MalformedRequestCorpus.All.Keys)
            {
                names.Add(name);
            }

            return names;
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task MalformedRequest_IsRejectedWith4xxAndOpenAiErrorBody(string name)
    {
        var @case = MalformedRequestCorpus.All[name];
        using var http = Client();

        var response = await SendAsync(http, @case);

        AssertWellFormedRejection(@case, response);
    }

    [Fact]
    public void Corpus_HasAtLeastSixtyDistinctCases()
    {
        Assert.True(MalformedRequestCorpus.All.Count >= 60, $"only {MalformedRequestCorpus.All.Count} cases");
    }

    [Fact]
    public async Task PairedSurrogateEscapes_AreValidText_AndServed()
    {
        // The counterpart of the unpaired-surrogate cases: an escaped emoji (U+1F600) must pass.
        using var http = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = new StringContent("""{"model":"control","messages":[{"role":"user","content":"smile \ud83d\ude00"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _gateway.Key);

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"got {(int)response.StatusCode}: {body}");
    }

    [Fact]
    public async Task ManyMalformedRequestsInParallel_EveryOneIsAnswered_AndTheGatewayStillServes()
    {
        using var http = Client();
        // The oversize cases are checked one by one; 200 concurrent 11 MiB uploads would test bandwidth, not parsing.
        var cases = MalformedRequestCorpus.All.Values.Where(c => c.Status != 413).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => SendAsync(http, cases[i % cases.Length])));

        Assert.All(responses, r => Assert.InRange(r.Status, 400, 599));
        using var valid = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = new StringContent("""{"model":"control","messages":[{"role":"user","content":"still there?"}]}""", Encoding.UTF8, "application/json"),
        };
        valid.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _gateway.Key);
        using var ok = await http.SendAsync(valid);
        var body = await ok.Content.ReadAsStringAsync();
        Assert.True(ok.StatusCode == HttpStatusCode.OK, $"got {(int)ok.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
        using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static void AssertWellFormedRejection(MalformedCase @case, CorpusResponse response)
    {
        var body = Encoding.UTF8.GetString(response.Body);
        var context = $"{@case.Name}: {response.Status} {response.MediaType} {body}";
        Assert.True(response.Status is >= 400 and < 500, $"expected a 4xx — {context}");
        if (@case.Status is { } status)
        {
            Assert.True(status == response.Status, $"expected {status} — {context}");
        }

        Assert.True(response.MediaType == "application/json", $"expected a JSON body — {context}");
        Assert.False(string.IsNullOrEmpty(response.RequestId), $"x-request-id is missing — {context}");

        JsonElement error;
        try
        {
            using var json = JsonDocument.Parse(response.Body);
            error = json.RootElement.GetProperty("error").Clone();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            Assert.Fail($"the body is not {{\"error\":{{…}}}} ({ex.Message}) — {context}");
            return;
        }

        Assert.True(error.ValueKind == JsonValueKind.Object, context);
        Assert.True(error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String && message.GetString()!.Length > 0, $"error.message — {context}");
        Assert.True(error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString()!.Length > 0, $"error.type — {context}");
        Assert.True(error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString()!.Length > 0, $"error.code — {context}");
        Assert.True(error.TryGetProperty("param", out var param) && param.ValueKind is JsonValueKind.String or JsonValueKind.Null, $"error.param — {context}");
        if (@case.Code is { } expectedCode)
        {
            Assert.True(expectedCode == code.GetString(), $"expected code {expectedCode} — {context}");
        }

        if (@case.Param is { } expectedParam)
        {
            Assert.True(param.ValueKind == JsonValueKind.String && expectedParam == param.GetString(), $"expected param {expectedParam} — {context}");
        }
    }

    private async Task<CorpusResponse> SendAsync(HttpClient http, MalformedCase @case)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (@case.RawRequest is { } raw)
        {
            var url = _gateway.Harness.GatewayUrl;
            return await RawHttp.SendAsync(url, raw(_gateway.Key, url.Authority), timeout.Token);
        }

        using var request = @case.Request!(_gateway.Key);
        using var response = await http.SendAsync(request, timeout.Token);
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        var requestId = response.Headers.TryGetValues("x-request-id", out var values) ? values.FirstOrDefault() : null;
        return new CorpusResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, requestId, body);
    }

    private HttpClient Client() => new(new SocketsHttpHandler()) { BaseAddress = _gateway.Harness.ApiBase, Timeout = TimeSpan.FromSeconds(60) };
}
