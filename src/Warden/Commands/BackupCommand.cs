using System.CommandLine;
using Warden.Configuration;

namespace Warden.Commands;

/// <summary>
/// <c>warden backup</c>: reserved for the backup and restore tooling (create, list, verify, restore, prune). This
/// build does not contain it yet; the command says so instead of pretending.
/// </summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var command = new Command("backup", """
            Backup and restore of the control-plane database (create, list, verify, restore, prune).
            NOT AVAILABLE IN THIS BUILD: running it exits with an error. Until it lands, back up PostgreSQL with
            pg_dump and the embedded SQLite file with `sqlite3 warden.db ".backup copy.db"`;
            see docs/operations/backup-and-dr.md.
            """);
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("warden backup is not available in this build. See docs/operations/backup-and-dr.md for the manual procedure.");
            return ExitCodes.Failure;
        });
        return command;
    }
}
