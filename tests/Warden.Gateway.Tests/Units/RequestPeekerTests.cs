using System.Text;
using Warden.Core.Errors;
using Warden.Gateway.Parsing;
using Warden.Providers.Abstractions;

namespace Warden.Gateway.Tests.Units;

public sealed class RequestPeekerTests
{
    [Fact]
    public void Peek_ValidChat_CollectsFacts()
    {
        var facts = new RequestFacts();

        var error = RequestPeeker.Peek(Bytes("""{"model":"m","stream":true,"stream_options":{"include_usage":true},"max_tokens":50,"n":2,"messages":[{"role":"user","content":"abcd"},{"role":"user","content":[{"type":"text","text":"efgh"}]}],"tools":[{"type":"function"}],"unknown":{"x":[1,2]}}"""), OperationKind.ChatCompletions, facts);

        Assert.Null(error);
        Assert.Equal("m", facts.Model);
        Assert.True(facts.Stream);
        Assert.True(facts.ClientIncludeUsage);
        Assert.Equal(50, facts.MaxTokens);
        Assert.Equal(2, facts.N);
        Assert.True(facts.PromptTextBytes >= 8);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[]}""", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model")]
    [InlineData("""{"model":"m","messages":[{"role":"robot","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":5}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","max_tokens":-1,"messages":[{"role":"user","content":"x"}]}""", "max_tokens")]
    [InlineData("""{"model":"m","max_tokens":1e400,"messages":[{"role":"user","content":"x"}]}""", "max_tokens")]
    [InlineData("""{"model":"m","stream":"yes","messages":[{"role":"user","content":"x"}]}""", "stream")]
    public void Peek_InvalidField_NamesTheParam(string json, string param)
    {
        var error = RequestPeeker.Peek(Bytes(json), OperationKind.ChatCompletions, new RequestFacts());

        Assert.NotNull(error);
        Assert.Equal(GatewayError.InvalidRequest, error.Error);
        Assert.Equal(param, error.Param);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"model":"m",}""")]
    [InlineData("""{"model":"m"} {"model":"n"}""")]
    [InlineData("")]
    public void Peek_NotJson_IsInvalidJson(string json)
    {
        var error = RequestPeeker.Peek(Bytes(json), OperationKind.ChatCompletions, new RequestFacts());

        Assert.Equal(GatewayError.InvalidJson, error?.Error);
    }

    [Fact]
    public void Peek_InvalidUtf8_IsInvalidJson()
    {
        byte[] body = [.. Bytes("""{"model":"m","messages":[{"role":"user","content":" """), 0xFF, 0xFE, .. Bytes("\"}]}")];

        Assert.Equal(GatewayError.InvalidJson, RequestPeeker.Peek(body, OperationKind.ChatCompletions, new RequestFacts())?.Error);
    }

    [Fact]
    public void Peek_DeepNesting_IsRejectedWithMessage()
    {
        var json = """{"model":"m","messages":[{"role":"user","content":"x"}],"x":""" + new string('[', 5000) + new string(']', 5000) + "}";

        var error = RequestPeeker.Peek(Bytes(json), OperationKind.ChatCompletions, new RequestFacts());

        Assert.Equal(GatewayError.InvalidJson, error?.Error);
        Assert.Contains("nested", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Peek_Embeddings_RequireNonEmptyInput()
    {
        Assert.Equal("input", RequestPeeker.Peek(Bytes("""{"model":"e","input":[]}"""), OperationKind.Embeddings, new RequestFacts())?.Param);
        Assert.Null(RequestPeeker.Peek(Bytes("""{"model":"e","input":["a"]}"""), OperationKind.Embeddings, new RequestFacts()));
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
