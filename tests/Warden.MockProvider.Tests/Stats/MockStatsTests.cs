namespace Warden.MockProvider.Tests.Stats;

public sealed class MockStatsTests
{
    private const string Chat = """{"model":"gpt-4o-mini@status=503","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Stats_CountRequestsPerPathAndModel()
    {
        await using var server = await MockServer.StartAsync();

        (await server.PostAsync("/v1/chat/completions", Chat)).Dispose();
        (await server.PostAsync("/v1/chat/completions", Chat)).Dispose();
        (await server.PostAsync("/v1/chat/completions", Chat.Replace("@status=503", "", StringComparison.Ordinal))).Dispose();
        (await server.Client.GetAsync("/v1/models")).Dispose();
        (await server.Client.GetAsync("/no/such/path")).Dispose();
        var stats = await server.GetJsonAsync("/mock/stats");

        Assert.Equal(5, stats.GetProperty("total").GetInt64());
        Assert.Equal(0, stats.GetProperty("in_flight").GetInt64());
        var paths = stats.GetProperty("paths");
        Assert.Equal(3, paths.GetProperty("/v1/chat/completions").GetInt64());
        Assert.Equal(1, paths.GetProperty("/v1/models").GetInt64());
        Assert.Equal(1, paths.GetProperty("/no/such/path").GetInt64());
        var models = stats.GetProperty("models");
        Assert.Equal(2, models.GetProperty("gpt-4o-mini@status=503").GetInt64());
        Assert.Equal(1, models.GetProperty("gpt-4o-mini").GetInt64());
    }

    [Fact]
    public async Task Stats_DoNotCountTheirOwnEndpointsOrHealth()
    {
        await using var server = await MockServer.StartAsync();

        (await server.Client.GetAsync("/healthz")).Dispose();
        await server.GetJsonAsync("/mock/stats");
        var stats = await server.GetJsonAsync("/mock/stats");

        Assert.Equal(0, stats.GetProperty("total").GetInt64());
        Assert.Empty(stats.GetProperty("paths").EnumerateObject());
    }

    [Fact]
    public async Task Reset_ClearsTheCounts()
    {
        await using var server = await MockServer.StartAsync();
        (await server.PostAsync("/v1/chat/completions", Chat)).Dispose();

        using var reset = await server.Client.PostAsync("/mock/stats/reset", null);
        var stats = await server.GetJsonAsync("/mock/stats");

        Assert.Equal(200, (int)reset.StatusCode);
        Assert.Equal(0, stats.GetProperty("total").GetInt64());
        Assert.Empty(stats.GetProperty("paths").EnumerateObject());
        Assert.Empty(stats.GetProperty("models").EnumerateObject());
    }

    [Fact]
    public async Task Stats_AreNotAffectedByFailureControls()
    {
        await using var server = await MockServer.StartAsync(o => o.FailStatus = 500);

        var stats = await server.GetJsonAsync("/mock/stats");

        Assert.Equal(0, stats.GetProperty("total").GetInt64());
    }
}
