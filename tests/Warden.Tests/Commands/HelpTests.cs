using Warden.Testing;

namespace Warden.Tests.Commands;

public sealed class HelpTests
{
    [Fact]
    public async Task RootHelp_ListsEveryCommand()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(["--help"]);

        Assert.Equal(0, exitCode);
        foreach (var command in new[] { "serve", "control-plane", "gateway", "migrate", "backup", "mock-provider" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }

        Assert.Contains("WARDEN__Section__Key", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve", "--data-dir", "--gateway-url", "--control-plane-url")]
    [InlineData("control-plane", "--connection-string", "advisory lock", "WARDEN__ControlPlane__InternalToken")]
    [InlineData("gateway", "--control-plane-url", "not_ready", "WARDEN__Gateway__InternalToken")]
    [InlineData("migrate", "--connection-string", "--list", "advisory lock")]
    [InlineData("backup", "NOT AVAILABLE IN THIS BUILD", "pg_dump", "backup-and-dr.md")]
    [InlineData("mock-provider", "--fail-status", "--hang", "--disconnect-after")]
    public async Task CommandHelp_DescribesItsBehaviourAndFlags(string command, string expected1, string expected2, string expected3)
    {
        var (exitCode, output) = await WardenProcess.RunAsync([command, "--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains(expected1, output, StringComparison.Ordinal);
        Assert.Contains(expected2, output, StringComparison.Ordinal);
        Assert.Contains(expected3, output, StringComparison.Ordinal);
        if (command != "backup")
        {
            Assert.Contains("Examples:", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Backup_IsNotAvailableYet_ExitsNonZeroSayingSo()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(["backup"]);

        Assert.Equal(1, exitCode);
        Assert.Contains("not available in this build", output, StringComparison.Ordinal);
    }
}
