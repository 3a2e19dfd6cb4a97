using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Warden.Storage.Backup;
using Warden.Testing;

namespace Warden.Tests.DisasterRecovery;

/// <summary>
/// Backup and restore of a PostgreSQL control-plane database exactly as <c>warden backup create/restore</c> does them:
/// a logical dump (<c>pg_dump --format=custom</c>); a restore into the live database
/// (<c>pg_restore --clean --if-exists --no-owner --single-transaction</c>), then the <see cref="RestoreMarker"/>
/// platform setting with a new restore id, then <c>NOTIFY warden_reconcile</c>.
/// To be swapped for the <c>warden backup create</c> / <c>warden backup restore --force</c> commands once they are on
/// the main branch: this class is the only place the drills take and restore backups.
/// </summary>
internal static class DatabaseBackupTool
{
    /// <summary>Dumps the database of <paramref name="connectionString"/> into <paramref name="file"/>.</summary>
    public static Task BackupAsync(string connectionString, string file) =>
        RunAsync("pg_dump", connectionString, ["--format=custom", "--file", file]);

    /// <summary>
    /// Restores <paramref name="file"/> into the live database of <paramref name="connectionString"/>, writes the restore
    /// marker and notifies the control planes. Returns the new restore id.
    /// </summary>
    public static async Task<string> RestoreAsync(string connectionString, string file, string backupId)
    {
        await RunAsync("pg_restore", connectionString, ["--clean", "--if-exists", "--no-owner", "--single-transaction", file]);
        var restoreId = Guid.CreateVersion7().ToString();
        var marker = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["restoreId"] = restoreId,
            ["restoredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["backupId"] = backupId,
        });
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var upsert = new NpgsqlCommand(
            """
            INSERT INTO platform_settings (key, value, updated_at) VALUES (@key, @value, now())
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """, connection))
        {
            upsert.Parameters.AddWithValue("key", RestoreMarker.SettingKey);
            upsert.Parameters.AddWithValue("value", marker);
            await upsert.ExecuteNonQueryAsync();
        }

        await using (var notify = new NpgsqlCommand("NOTIFY warden_reconcile", connection))
        {
            await notify.ExecuteNonQueryAsync();
        }

        return restoreId;
    }

    private static async Task RunAsync(string tool, string connectionString, string[] arguments)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var info = new ProcessStartInfo(Path.Combine(TestEnvironment.PostgresBinDirectory, tool))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--host", cs.Host!, "--port", cs.Port.ToString(CultureInfo.InvariantCulture), "--username", cs.Username!, "--dbname", cs.Database! })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (!string.IsNullOrEmpty(cs.Password))
        {
            info.Environment["PGPASSWORD"] = cs.Password;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException(tool + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
