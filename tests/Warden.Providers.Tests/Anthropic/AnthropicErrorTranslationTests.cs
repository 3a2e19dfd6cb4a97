using System.Buffers;
using System.Text.Json.Nodes;
using Warden.Core.Snapshots;
using Warden.Providers.Anthropic;
using Warden.Providers.Tests.TestSupport;

namespace Warden.Providers.Tests.Anthropic;

public sealed class AnthropicErrorTranslationTests
{
    private readonly AnthropicAdapter _adapter = new(Clock.Golden());

    [Theory]
    [InlineData(429, "429-rate-limit.json")]
    [InlineData(529, "529-overloaded.json")]
    [InlineData(400, "400-invalid-request.json")]
    [InlineData(502, "502-html.txt")]
    public void TranslateError_GoldenBody_MatchesExpectedOpenAiError(int status, string file)
    {
        var output = new ArrayBufferWriter<byte>();

        _adapter.TranslateError(Call(), status, GoldenFiles.Bytes("anthropic/errors/" + file), output);

        var expected = "anthropic/errors/" + Path.GetFileNameWithoutExtension(file) + ".expected.json";
        JsonAssert.Equal(GoldenFiles.Bytes(expected), output.WrittenSpan, file);
    }

    [Theory]
    [InlineData("authentication_error", 401, "authentication_error")]
    [InlineData("permission_error", 403, "permission_error")]
    [InlineData("not_found_error", 404, "not_found_error")]
    [InlineData("request_too_large", 413, "invalid_request_error")]
    [InlineData("api_error", 500, "server_error")]
    [InlineData("timeout_error", 504, "server_error")]
    [InlineData("billing_error", 402, "invalid_request_error")]
    [InlineData("brand_new_error", 503, "server_error")]
    public void TranslateError_AnthropicType_MapsToOpenAiTypeAndKeepsItAsCode(string anthropicType, int status, string openAiType)
    {
        var output = new ArrayBufferWriter<byte>();

        _adapter.TranslateError(Call(), status, System.Text.Encoding.UTF8.GetBytes($$$"""{"type":"error","error":{"type":"{{{anthropicType}}}","message":"m"}}"""), output);

        var error = JsonNode.Parse(output.WrittenSpan)!["error"]!;
        Assert.Equal(openAiType, error["type"]!.GetValue<string>());
        Assert.Equal(anthropicType, error["code"]!.GetValue<string>());
        Assert.Equal("m", error["message"]!.GetValue<string>());
        Assert.Null(error["param"]);
    }

    [Fact]
    public void TranslateError_EmptyBody_ExplainsTheStatus()
    {
        var output = new ArrayBufferWriter<byte>();

        _adapter.TranslateError(Call(), 404, default, output);

        var error = JsonNode.Parse(output.WrittenSpan)!["error"]!;
        Assert.Equal("The upstream provider answered HTTP 404.", error["message"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
    }

    private static Warden.Providers.Abstractions.UpstreamCall Call() =>
        TestCalls.Call(TestCalls.Provider(ProviderKind.Anthropic, "https://api.anthropic.com/v1"), "claude-x", """{"model":"m","messages":[]}"""u8.ToArray());
}
