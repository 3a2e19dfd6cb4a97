namespace Warden.MockProvider.Tests.OpenAi;

public sealed class ModelsTests(MockServerFixture fixture) : IClassFixture<MockServerFixture>
{
    private MockServer Server => fixture.Server;

    [Fact]
    public async Task Get_List_ReturnsOpenAiListOfModels()
    {
        var body = await Server.GetJsonAsync("/v1/models");

        Assert.Equal("list", body.GetProperty("object").GetString());
        var models = body.GetProperty("data").EnumerateArray().ToList();
        Assert.True(models.Count >= 3);
        Assert.Contains(models, m => m.GetProperty("id").GetString() == "gpt-4o-mini");
        Assert.All(models, m =>
        {
            Assert.Equal("model", m.GetProperty("object").GetString());
            Assert.True(m.GetProperty("created").GetInt64() > 0);
            Assert.False(string.IsNullOrEmpty(m.GetProperty("owned_by").GetString()));
        });
    }

    [Fact]
    public async Task Get_ListTwice_IsIdentical()
    {
        var first = await Server.GetJsonAsync("/v1/models");
        var second = await Server.GetJsonAsync("/v1/models");

        Assert.Equal(first.GetRawText(), second.GetRawText());
    }

    [Fact]
    public async Task Get_ListWithAnthropicVersion_ReturnsAnthropicShape()
    {
        var body = await Server.GetJsonAsync("/v1/models", new Dictionary<string, string> { ["anthropic-version"] = "2023-06-01" });

        Assert.False(body.GetProperty("has_more").GetBoolean());
        var first = body.GetProperty("data")[0];
        Assert.Equal("model", first.GetProperty("type").GetString());
        Assert.Equal(first.GetProperty("id").GetString(), body.GetProperty("first_id").GetString());
        Assert.EndsWith("Z", first.GetProperty("created_at").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ById_ReturnsThatModel()
    {
        var body = await Server.GetJsonAsync("/v1/models/my-custom-model");

        Assert.Equal("my-custom-model", body.GetProperty("id").GetString());
        Assert.Equal("model", body.GetProperty("object").GetString());
    }
}
