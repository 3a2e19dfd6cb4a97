using Warden.Testing;

namespace Warden.Tests.DisasterRecovery;

/// <summary>
/// The drills back up and restore through the product: <c>warden backup create</c> into a folder, and
/// <c>warden backup restore ID --force</c> into the live database while the control plane and gateways keep running
/// (the command restores in one transaction, writes the restore marker with a new restore id, audits the restore and
/// wakes the control planes with <c>NOTIFY warden_reconcile</c>).
/// </summary>
internal static class DatabaseBackupTool
{
    /// <summary>Backs up the database of <paramref name="connectionString"/> into the folder <paramref name="location"/>; returns the backup id.</summary>
    public static async Task<string> BackupAsync(string connectionString, string location)
    {
        var (exitCode, output) = await WardenProcess.RunAsync(
            ["backup", "create", "--connection-string", connectionString, "--to", location], timeout: TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, "warden backup create failed: " + output);
        var line = output.Split('\n').First(l => l.StartsWith("Backup ", StringComparison.Ordinal));
        return line.Split(' ')[1];
    }

    /// <summary>Restores backup <paramref name="backupId"/> from <paramref name="location"/> over the live database.</summary>
    public static async Task RestoreAsync(string connectionString, string location, string backupId)
    {
        var (exitCode, output) = await WardenProcess.RunAsync(
            ["backup", "restore", backupId, "--force", "--connection-string", connectionString, "--from", location], timeout: TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, "warden backup restore failed: " + output);
    }
}
