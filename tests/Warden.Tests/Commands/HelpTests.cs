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
    [InlineData("migrate", "--no-backup", "--backup-location", "refuses to migrate")]
    [InlineData("mock-provider", "--fail-status", "--hang", "--disconnect-after")]
    public async Task CommandHelp_DescribesItsBehaviourAndFlags(string command, string expected1, string expected2, string expected3)
    {
        var (exitCode, output) = await WardenProcess.RunAsync([command, "--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains(expected1, output, StringComparison.Ordinal);
        Assert.Contains(expected2, output, StringComparison.Ordinal);
        Assert.Contains(expected3, output, StringComparison.Ordinal);
        Assert.Contains("Examples:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("create", "--to", "pg_dump --format=custom", "online backup API")]
    [InlineData("list", "--location", "--json", "INCOMPLETE")]
    [InlineData("verify", "--from", "--scratch-connection-string", "audit log's hash chain")]
    [InlineData("restore", "--force", "--single-transaction", "newer")]
    [InlineData("prune", "--keep-last", "--keep-days", "--dry-run")]
    public async Task BackupSubcommandHelp_DescribesItsBehaviourFlagsAndExamples(string subcommand, string expected1, string expected2, string expected3)
    {
        var (exitCode, output) = await WardenProcess.RunAsync(["backup", subcommand, "--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains(expected1, output, StringComparison.Ordinal);
        Assert.Contains(expected2, output, StringComparison.Ordinal);
        Assert.Contains(expected3, output, StringComparison.Ordinal);
        Assert.Contains("Examples:", output, StringComparison.Ordinal);
        Assert.Contains("warden backup " + subcommand, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupHelp_ListsTheSubcommandsAndExitCodes()
    {
        var (exitCode, output) = await WardenProcess.RunAsync(["backup", "--help"]);

        Assert.Equal(0, exitCode);
        foreach (var subcommand in new[] { "create", "list", "verify", "restore", "prune" })
        {
            Assert.Contains(subcommand, output, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes: 0 ok, 1 failed, 2 invalid settings", output, StringComparison.Ordinal);
        Assert.Contains("backup-and-dr.md", output, StringComparison.Ordinal);
    }
}
