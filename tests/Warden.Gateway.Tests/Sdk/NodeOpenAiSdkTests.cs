using System.Globalization;
using System.Text.RegularExpressions;
using Warden.Gateway.Tests.Harness;
using Warden.Testing;
using Xunit.Abstractions;

namespace Warden.Gateway.Tests.Sdk;

/// <summary>
/// The official <c>openai</c> npm SDK against a real gateway: runs <c>tests/node/gateway.test.mjs</c> (chat,
/// streaming, tool calls, embeddings, models and every reachable DP-2 error status) with Node's test runner.
/// </summary>
public sealed class NodeOpenAiSdkTests : IClassFixture<StandardGateway>
{
    private readonly StandardGateway _gateway;
    private readonly ITestOutputHelper _output;

    public NodeOpenAiSdkTests(StandardGateway gateway, ITestOutputHelper output)
    {
        _gateway = gateway;
        _output = output;
    }

    [Fact]
    public async Task OfficialNodeSdk_AgainstGateway_EveryScenarioPasses()
    {
        var environment = new Dictionary<string, string>
        {
            ["GATEWAY_URL"] = _gateway.Harness.ApiBase.ToString().TrimEnd('/'),
            ["API_KEY"] = _gateway.Key,
            ["RESTRICTED_KEY"] = _gateway.RestrictedKey,
            ["REVOKED_KEY"] = _gateway.OtherProjectKeyRevoked,
            ["EXPIRED_KEY"] = _gateway.ExpiredKey,
        };

        var (exitCode, output) = await NodeRunner.RunTestAsync("gateway.test.mjs", environment);
        _output.WriteLine(output);

        Assert.True(exitCode == 0, $"node --test gateway.test.mjs exited with {exitCode}:\n{output}");
        // Guards against a run that passes because it found no tests.
        var passed = Regex.Match(output, @"\bpass (\d+)");
        Assert.True(passed.Success && int.Parse(passed.Groups[1].Value, CultureInfo.InvariantCulture) >= 20, $"expected at least 20 passing node tests:\n{output}");
    }
}
