using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Warden.Configuration;
using Warden.ControlPlane.Backup;
using Warden.Storage;
using Warden.Storage.Backup;

namespace Warden.Commands;

/// <summary>
/// <c>warden backup create|list|verify|restore|prune</c>: backups of the control-plane database (DR-2) in a folder or
/// an S3-compatible bucket. The database flags and configuration layering are those of <c>warden migrate</c>.
/// </summary>
internal static class BackupCommand
{
    private const string LocationHelp = "Where backups are kept: a folder path, file:///path or s3://bucket/prefix (SQLite default: DATA-DIR/backups).";

    public static Command Create()
    {
        var command = new Command("backup", """
            Back up and restore the control-plane database (organizations, keys, budgets, usage ledger, audit log…).
            A backup is a folder/prefix <yyyyMMddTHHmmssZ>-<id>/ in the backup location holding the payload
            (PostgreSQL: pg_dump custom format; SQLite: an online-backup copy) and, written last, manifest.json
            (time, schema version, SHA-256, row counts). See docs/operations/backup-and-dr.md.

            Exit codes: 0 ok, 1 failed, 2 invalid settings.
            """);
        command.Subcommands.Add(CreateCreate());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateRestore());
        command.Subcommands.Add(CreatePrune());
        return command;
    }

    private static ConfigFlag[] DatabaseFlags() =>
    [
        new("--database-kind", DatabaseSettings.KindKey, "Database kind: postgres (default) or sqlite.", "KIND"),
        new("--connection-string", DatabaseSettings.ConnectionStringKey, "Database connection string (required for PostgreSQL; SQLite defaults to DATA-DIR/warden.db).", "CS"),
        new("--data-dir", DatabaseSettings.DataDirKey, "Data folder of an embedded (SQLite) installation.", "DIR"),
        new("--postgres-bin-dir", BackupSettings.PostgresBinDirKey, "Folder holding pg_dump and pg_restore (default: PATH, then the newest /usr/lib/postgresql/*/bin).", "DIR"),
    ];

    private static ConfigFlag LocationFlag(string name)
    {
        var flag = new ConfigFlag(name, BackupSettings.LocationKey, LocationHelp, "LOCATION");
        if (name != "--location")
        {
            flag.Option.Aliases.Add("--location");
        }

        return flag;
    }

    private static Command CreateCreate()
    {
        ConfigFlag[] flags = [.. DatabaseFlags(), LocationFlag("--to")];
        var command = new Command("create", """
            Take a consistent backup of the database and store it. PostgreSQL: pg_dump --format=custom at one exported
            snapshot, with the manifest's row counts read in that same snapshot (the database stays online). SQLite:
            SQLite's online backup API, safe while warden serve is writing. Prints the new backup's id.

            Examples:
              warden backup create --connection-string "Host=db;Database=warden;Username=warden;Password=…" --to /var/backups/warden
              warden backup create --database-kind sqlite --data-dir ./warden-data --to ./warden-data/backups
              WARDEN__Backup__Location=s3://backups/warden warden backup create
            """);
        ConfigFlag.AddAll(command, flags);
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, flags, requireLocation: true, async (context, ct) =>
        {
            var manifest = await context.Service.CreateAsync(context.Store!, ct);
            Console.WriteLine($"Backup {manifest.BackupId} written to {context.Store!.Location}");
            Console.WriteLine($"  schema {manifest.SchemaMigration}, {manifest.DatabaseKind}, payload {manifest.PayloadBytes} bytes, SHA-256 {manifest.PayloadSha256}");
            Console.WriteLine($"  {manifest.RowCounts.Count} tables, {manifest.RowCounts.Values.Sum()} rows");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateList()
    {
        ConfigFlag[] flags = [LocationFlag("--location")];
        var json = new Option<bool>("--json") { Description = "Print the list as JSON." };
        var command = new Command("list", """
            List the backups in the location, oldest first. A backup whose manifest is missing was interrupted and is
            shown as INCOMPLETE (it cannot be restored; prune removes it after a day).

            Examples:
              warden backup list --location /var/backups/warden
              warden backup list --location s3://backups/warden --json
            """);
        ConfigFlag.AddAll(command, flags);
        command.Options.Add(json);
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, flags, requireLocation: true, needsDatabase: false, action: async (context, ct) =>
        {
            var entries = await BackupService.ListAsync(context.Store!, ct);
            if (parseResult.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(entries.ToList(), BackupJsonContext.Default.ListBackupListEntry));
                return ExitCodes.Ok;
            }

            if (entries.Count == 0)
            {
                Console.WriteLine($"No backups in {context.Store!.Location}.");
                return ExitCodes.Ok;
            }

            Console.WriteLine($"{"BACKUP ID",-24} {"STATUS",-10} {"CREATED (UTC)",-20} {"KIND",-8} {"SIZE",12}  {"SCHEMA",-40} VERSION");
            foreach (var e in entries)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{e.BackupId,-24} {(e.Complete ? "complete" : "INCOMPLETE"),-10} {e.CreatedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "?",-20} {e.DatabaseKind ?? "-",-8} {(e.PayloadBytes is { } b ? b.ToString(CultureInfo.InvariantCulture) : "-"),12}  {e.SchemaMigration ?? "-",-40} {e.WardenVersion ?? "-"}"));
            }

            return ExitCodes.Ok;
        }, cancellationToken: cancellationToken));
        return command;
    }

    private static Command CreateVerify()
    {
        ConfigFlag[] flags = [.. DatabaseFlags(), LocationFlag("--from")];
        var backupId = new Argument<string>("backup-id") { Description = "The backup to verify, or 'latest'.", DefaultValueFactory = _ => "latest" };
        var scratch = new Option<string?>("--scratch-connection-string")
        {
            Description = "PostgreSQL: a connection string to the server on which the temporary scratch database is created (default: the configured database's server).",
            HelpName = "CS",
        };
        var command = new Command("verify", """
            Prove a backup restores: check the payload's size and SHA-256 against the manifest, restore it into a scratch
            database (PostgreSQL: a temporary database, dropped afterwards; SQLite: a temporary file), compare every
            table's row count with the manifest and verify the audit log's hash chain. The configured database is only
            read from (for its server), never changed. Exits 0 only when every check passes; each failure is named.

            Examples:
              warden backup verify latest --connection-string "Host=db;Database=warden;Username=warden;Password=…" --from /var/backups/warden
              warden backup verify 20261124T101500Z-ab12cd --database-kind sqlite --data-dir ./warden-data --from ./warden-data/backups
            """);
        ConfigFlag.AddAll(command, flags);
        command.Arguments.Add(backupId);
        command.Options.Add(scratch);
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, flags, requireLocation: true, async (context, ct) =>
        {
            var result = await context.Service.VerifyAsync(context.Store!, parseResult.GetValue(backupId)!, parseResult.GetValue(scratch), ct);
            Console.WriteLine($"Backup {result.Manifest.BackupId} ({result.Manifest.DatabaseKind}, schema {result.Manifest.SchemaMigration}, created {result.Manifest.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)");
            foreach (var line in result.Passed)
            {
                Console.WriteLine("  PASS " + line);
            }

            foreach (var line in result.Failures)
            {
                Console.WriteLine("  FAIL " + line);
            }

            Console.WriteLine(result.Ok ? "Backup verified." : $"Backup verification FAILED ({result.Failures.Count} check(s)).");
            return result.Ok ? ExitCodes.Ok : ExitCodes.Failure;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRestore()
    {
        ConfigFlag[] flags = [.. DatabaseFlags(), LocationFlag("--from")];
        var backupId = new Argument<string>("backup-id") { Description = "The backup to restore, or 'latest'." };
        var force = new Option<bool>("--force") { Description = "Replace a database that is not empty." };
        var command = new Command("restore", """
            Restore a backup into the configured database. The payload's checksum is checked first; a backup of a newer
            schema than this warden knows is refused. The target must be empty (or missing) unless --force is given,
            which replaces its contents. PostgreSQL: pg_restore --clean --if-exists --no-owner --single-transaction, so
            a running control plane sees the old or the new data, never half. SQLite: the backup is copied over the
            live file with SQLite's online backup API (all or nothing; warden serve may keep running).
            Afterwards the restore records a new restore id (platform setting database.restore), appends a
            backup.restore event to the audit log and, on PostgreSQL, wakes every control plane (NOTIFY), which
            converge on the restored data without a restart.

            Examples:
              warden backup restore latest --connection-string "Host=db;Database=warden;Username=warden;Password=…" --from /var/backups/warden --force
              warden backup restore 20261124T101500Z-ab12cd --database-kind sqlite --data-dir ./warden-data --from ./backups
            """);
        ConfigFlag.AddAll(command, flags);
        command.Arguments.Add(backupId);
        command.Options.Add(force);
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, flags, requireLocation: true, async (context, ct) =>
        {
            var result = await context.Service.RestoreAsync(context.Store!, parseResult.GetValue(backupId)!, parseResult.GetValue(force), MigrationBackup.CliActor, ct);
            Console.WriteLine($"Restored backup {result.Manifest.BackupId} (created {result.Manifest.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, schema {result.Manifest.SchemaMigration}); restore id {result.RestoreId}.");
            if (result.PendingMigrations.Count > 0)
            {
                Console.WriteLine($"The restored schema is older than this warden: run `warden migrate` to apply {result.PendingMigrations.Count} migration(s).");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreatePrune()
    {
        ConfigFlag[] flags = [LocationFlag("--location")];
        var keepLast = new Option<int?>("--keep-last") { Description = "Keep the newest N complete backups.", HelpName = "N" };
        var keepDays = new Option<int?>("--keep-days") { Description = "Keep complete backups younger than D days.", HelpName = "D" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only print what would be deleted." };
        var command = new Command("prune", """
            Delete old backups. A complete backup is kept when --keep-last or --keep-days keeps it (give one or both);
            the newest complete backup is never deleted. Incomplete backups (interrupted, no manifest) older than a day
            are removed too.

            Examples:
              warden backup prune --location /var/backups/warden --keep-last 7 --keep-days 30
              warden backup prune --location s3://backups/warden --keep-days 14 --dry-run
            """);
        ConfigFlag.AddAll(command, flags);
        command.Options.Add(keepLast);
        command.Options.Add(keepDays);
        command.Options.Add(dryRun);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var last = parseResult.GetValue(keepLast);
            var days = parseResult.GetValue(keepDays);
            if (last is null && days is null)
            {
                throw new ConfigurationException("warden backup prune: give --keep-last N, --keep-days D or both.");
            }

            if (last is < 1 || days is < 0)
            {
                throw new ConfigurationException("warden backup prune: --keep-last must be at least 1 and --keep-days at least 0.");
            }

            return RunAsync(parseResult, flags, requireLocation: true, needsDatabase: false, action: async (context, ct) =>
            {
                var dry = parseResult.GetValue(dryRun);
                var result = await context.Service.PruneAsync(context.Store!, last, days, dry, ct);
                var verb = dry ? "would delete" : "deleted";
                foreach (var id in result.Deleted)
                {
                    Console.WriteLine($"{verb} {id}");
                }

                foreach (var id in result.IncompleteDeleted)
                {
                    Console.WriteLine($"{verb} {id} (incomplete)");
                }

                Console.WriteLine($"Kept {result.Kept.Count} backup(s); {verb} {result.Deleted.Count} backup(s) and {result.IncompleteDeleted.Count} incomplete leftover(s).");
                return ExitCodes.Ok;
            }, cancellationToken: cancellationToken);
        });
        return command;
    }

    private sealed record Context(BackupService Service, IBackupStore? Store);

    private static async Task<int> RunAsync(ParseResult parseResult, ConfigFlag[] flags, bool requireLocation,
        Func<Context, CancellationToken, Task<int>> action, CancellationToken cancellationToken, bool needsDatabase = true)
    {
        var configuration = WardenConfiguration.Build(parseResult, flags);
        var reader = new OptionsReader(configuration);
        var backup = BackupSettings.Read(configuration, reader);
        var storage = needsDatabase
            ? DatabaseSettings.Read(configuration, reader, DatabaseKind.Postgres)
            : StorageOptions.ForSqliteFile("unused");
        if (needsDatabase)
        {
            // Like `warden serve` and `warden migrate`: an embedded installation backs up into DATA-DIR/backups.
            BackupSettings.ApplySqliteDefault(backup, storage);
        }

        if (requireLocation && backup.Location is null)
        {
            reader.AddError($"{BackupSettings.LocationKey} is required: pass --to/--from/--location (a folder path, file:///path or s3://bucket/prefix) or set WARDEN__Backup__Location.");
        }

        reader.ThrowIfInvalid();

        IBackupStore? store = null;
        if (backup.Location is not null)
        {
            try
            {
                store = BackupStoreFactory.Open(backup.Location, backup.S3);
            }
            catch (Exception ex) when (ex is NotSupportedException or ArgumentException)
            {
                throw new ConfigurationException(ex.Message);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: the backup location '{backup.Location}' cannot be used: {ex.Message}");
                return ExitCodes.Failure;
            }
        }

        try
        {
            return await action(new Context(new BackupService(storage, backup), store), cancellationToken);
        }
        catch (BackupFailedException ex)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException or BackupObjectNotFoundException)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return ExitCodes.Failure;
        }
    }
}
