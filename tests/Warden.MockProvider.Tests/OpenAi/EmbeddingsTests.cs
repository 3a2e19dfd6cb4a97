using System.Buffers.Binary;
using System.Text.Json;

namespace Warden.MockProvider.Tests.OpenAi;

public sealed class EmbeddingsTests(MockServerFixture fixture) : IClassFixture<MockServerFixture>
{
    private const string Path = "/v1/embeddings";

    private MockServer Server => fixture.Server;

    [Fact]
    public async Task Post_String_ReturnsOneUnitVectorOfTheConfiguredLength()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "text-embedding-3-small", input = "hello world" });

        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("text-embedding-3-small", body.GetProperty("model").GetString());
        var item = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal("embedding", item.GetProperty("object").GetString());
        Assert.Equal(0, item.GetProperty("index").GetInt32());
        var vector = Vector(item);
        Assert.Equal(8, vector.Length);
        Assert.Equal(1.0, Norm(vector), 5);
        Assert.Equal(3, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_ArrayOfStrings_OneVectorPerInputInOrder()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", input = new[] { "alpha", "beta", "alpha" } });

        var data = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], data.Select(d => d.GetProperty("index").GetInt32()));
        Assert.Equal(Vector(data[0]), Vector(data[2]));
        Assert.NotEqual(Vector(data[0]), Vector(data[1]));
    }

    [Fact]
    public async Task Post_TokenArrays_AreAcceptedAndCounted()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", input = new[] { new[] { 10, 20, 30 }, new[] { 40, 50 } } });

        Assert.Equal(2, body.GetProperty("data").GetArrayLength());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_Dimensions_IsHonoured()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", input = "x", dimensions = 256 });

        var vector = Vector(body.GetProperty("data")[0]);
        Assert.Equal(256, vector.Length);
        Assert.Equal(1.0, Norm(vector), 5);
    }

    [Fact]
    public async Task Post_Base64_DecodesToTheSameVectorAsFloats()
    {
        var floats = await Server.PostJsonAsync(Path, new { model = "m", input = "encode me" });
        var base64 = await Server.PostJsonAsync(Path, new { model = "m", input = "encode me", encoding_format = "base64" });

        var bytes = Convert.FromBase64String(base64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
        Assert.Equal(Vector(floats.GetProperty("data")[0]), decoded);
    }

    [Fact]
    public async Task Post_SameTextTwice_SameVector()
    {
        var first = await Server.PostJsonAsync(Path, new { model = "m", input = "stable" });
        var second = await Server.PostJsonAsync(Path, new { model = "m", input = "stable" });

        Assert.Equal(Vector(first.GetProperty("data")[0]), Vector(second.GetProperty("data")[0]));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("[\"ok\", 3.5]")]
    public async Task Post_InvalidInput_Returns400(string input)
    {
        using var response = await Server.PostAsync(Path, $$"""{"model":"m","input":{{input}}}""");

        Assert.Equal(400, (int)response.StatusCode);
        var error = await ChatCompletionsTests.OpenAiError(response);
        Assert.Equal("input", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Post_UnknownEncodingFormat_Returns400()
    {
        var body = await Server.PostJsonAsync(Path, new { model = "m", input = "x", encoding_format = "int8" }, expectedStatus: 400);

        Assert.Equal("encoding_format", body.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Post_ServerEmbeddingDimensions_SetsTheDefaultLength()
    {
        await using var server = await MockServer.StartAsync(o => o.EmbeddingDimensions = 32);

        var body = await server.PostJsonAsync(Path, new { model = "m", input = "x" });

        Assert.Equal(32, Vector(body.GetProperty("data")[0]).Length);
    }

    private static float[] Vector(JsonElement item) =>
        item.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();

    private static double Norm(float[] vector) => Math.Sqrt(vector.Sum(v => (double)v * v));
}
