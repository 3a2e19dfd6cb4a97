using Warden.Testing;

namespace Warden.MockProvider.Tests.Clients;

/// <summary>The official <c>openai</c> npm SDK against the mock (<c>tests/node/mock-provider.test.mjs</c>).</summary>
public sealed class OpenAiNodeSdkTests
{
    [Fact]
    public async Task OpenAiNodeSdk_ChatStreamingEmbeddingsModels_AllPass()
    {
        await using var server = await MockServer.StartAsync();

        var (exitCode, output) = await NodeRunner.RunTestAsync(
            "mock-provider.test.mjs",
            new Dictionary<string, string> { ["MOCK_URL"] = server.Url.ToString().TrimEnd('/') });

        Assert.True(exitCode == 0, $"node --test exited with {exitCode}:\n{output}");
    }
}
