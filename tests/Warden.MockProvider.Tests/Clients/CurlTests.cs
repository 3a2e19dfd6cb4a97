using System.Diagnostics;

namespace Warden.MockProvider.Tests.Clients;

/// <summary>Real <c>curl</c> against the Anthropic endpoint, as the docs show it.</summary>
public sealed class CurlTests(MockServerFixture fixture) : IClassFixture<MockServerFixture>
{
    private const string Body = """{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"Hello from curl"}]}""";

    private const string StreamingBody = """{"model":"claude-sonnet-4-5@tokens=3","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hello from curl"}]}""";

    [Fact]
    public async Task Curl_Messages_ReturnsMessageJson()
    {
        var (exitCode, output) = await CurlAsync(Body);

        Assert.True(exitCode == 0, output);
        Assert.Contains("\"type\":\"message\"", output, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"claude-sonnet-4-5\"", output, StringComparison.Ordinal);
        Assert.Contains("\"stop_reason\":\"end_turn\"", output, StringComparison.Ordinal);
        Assert.Contains("\"output_tokens\":16", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CurlNoBuffer_StreamingMessages_PrintsTheEventSequence()
    {
        var (exitCode, output) = await CurlAsync(StreamingBody, "-N");

        Assert.True(exitCode == 0, output);
        var events = output.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).ToList();
        string[] expected =
        [
            "event: message_start", "event: content_block_start", "event: ping",
            "event: content_block_delta", "event: content_block_delta", "event: content_block_delta",
            "event: content_block_stop", "event: message_delta", "event: message_stop",
        ];
        Assert.Equal(expected, events);
        Assert.Contains("\"output_tokens\":3", output, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output)> CurlAsync(string body, params string[] extra)
    {
        var info = new ProcessStartInfo("curl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            "-sS", "--fail-with-body", "--max-time", "30", .. extra,
            new Uri(fixture.Server.Url, "/v1/messages").ToString(),
            "-H", "content-type: application/json",
            "-H", "anthropic-version: 2023-06-01",
            "-H", "x-api-key: sk-ant-mock",
            "-d", body,
        ])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
