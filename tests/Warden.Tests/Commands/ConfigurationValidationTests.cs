using Warden.Testing;

namespace Warden.Tests.Commands;

/// <summary>A bad setting, whichever layer set it, stops the process before anything listens and names the key.</summary>
public sealed class ConfigurationValidationTests
{
    private const int BadConfiguration = 2;
    private const string InternalToken = "0123456789abcdef0123456789abcdef-test";

    [Fact]
    public async Task Serve_UnparsableGatewayUrlFlag_ExitsNamingTheKey()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(["serve", "--data-dir", TempDir(), "--gateway-url", "htp:/nowhere"]);

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("Gateway:Url", output, StringComparison.Ordinal);
        Assert.Contains("htp:/nowhere", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NonNumericBodyLimitFromEnvironment_ExitsNamingTheKey()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(
            ["serve", "--data-dir", TempDir()],
            new Dictionary<string, string?> { ["WARDEN__Gateway__MaxRequestBytes"] = "ten megabytes" });

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("Gateway:MaxRequestBytes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_RedisCountersWithoutConnectionString_AndBadFailMode_ExitNamingTheKeys()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(
            ["gateway", "--control-plane-url", "http://127.0.0.1:1", "--counter-store", "redis"],
            new Dictionary<string, string?> { ["WARDEN__Gateway__InternalToken"] = InternalToken });

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("Gateway:Counters:Redis is required", output, StringComparison.Ordinal);

        (exitCode, output) = await WardenProcess.RunAsync(
            ["serve", "--data-dir", TempDir()],
            new Dictionary<string, string?> { ["WARDEN__Gateway__Budgets__FailMode"] = "sometimes" });

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("Gateway:Budgets:FailMode", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_SameUrlForBothPlanes_IsRejected()
    {
        var url = FreePort.NextUrl().ToString().TrimEnd('/');
        var (exitCode, output) = await WardenProcess.RunAsync(["serve", "--data-dir", TempDir(), "--gateway-url", url, "--control-plane-url", url]);

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("Gateway:Url and ControlPlane:Url must differ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BadValueInConfigFile_ExitsNamingTheKey()
    {
        var dir = TempDir();
        var file = Path.Combine(dir, "warden.json");
        await File.WriteAllTextAsync(file, """{ "ControlPlane": { "Url": "ftp://example.org" } }""");

        var (exitCode, output) = await WardenProcess.RunAsync(["serve", "--data-dir", dir, "--config", file]);

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("ControlPlane:Url", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_MissingConfigFile_ExitsNamingTheFile()
    {
        var missing = Path.Combine(TempDir(), "nope.json");

        var (exitCode, output) = await WardenProcess.RunAsync(["serve", "--config", missing]);

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("nope.json", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlPlane_WithoutConnectionString_ExitsNamingTheKey()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(
            ["control-plane", "--url", FreePort.NextUrl().ToString()],
            new Dictionary<string, string?> { ["WARDEN__ControlPlane__InternalToken"] = InternalToken });

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("Database:ConnectionString is required", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlPlane_WithoutInternalToken_ExitsNamingTheKey()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(["control-plane", "--connection-string", "Host=127.0.0.1;Database=x"]);

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("ControlPlane:InternalToken is required", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlPlane_UnknownDatabaseKind_ExitsNamingTheKey()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(
            ["control-plane", "--database-kind", "oracle", "--connection-string", "Host=x"],
            new Dictionary<string, string?> { ["WARDEN__ControlPlane__InternalToken"] = InternalToken });

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("Database:Kind = 'oracle'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlPlane_MalformedConnectionString_ExitsWithoutEchoingIt()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(
            ["control-plane", "--connection-string", "Password=hunter2;this is not a pair"],
            new Dictionary<string, string?> { ["WARDEN__ControlPlane__InternalToken"] = InternalToken });

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("Database:ConnectionString is not a valid connection string", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_WithoutControlPlaneUrlAndToken_ExitsNamingBothKeys()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(["gateway", "--url", FreePort.NextUrl().ToString()]);

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("Gateway:ControlPlaneUrl is required", output, StringComparison.Ordinal);
        Assert.Contains("Gateway:InternalToken is required", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_ShortInternalToken_IsRejectedWithoutEchoingIt()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(
            ["gateway", "--control-plane-url", "http://127.0.0.1:1"],
            new Dictionary<string, string?> { ["WARDEN__Gateway__InternalToken"] = "short-secret" });

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("Gateway:InternalToken is too short", output, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MockProvider_OutOfRangeFailStatus_ExitsNamingTheFlag()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(["mock-provider", "--url", FreePort.NextUrl().ToString(), "--fail-status", "42"]);

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("--fail-status", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MockProvider_BadUrl_ExitsNamingTheFlag()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(["mock-provider", "--url", "localhost"]);

        Assert.Equal(BadConfiguration, exitCode);
        Assert.Contains("--url", output, StringComparison.Ordinal);
    }

    private static string TempDir() => Directory.CreateTempSubdirectory("warden-cfg-").FullName;
}
