using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Configuration;
using Warden.ControlPlane.Backup;
using Warden.Storage;
using Warden.Storage.Backup;

namespace Warden.Commands;

/// <summary><c>warden migrate</c>: apply pending database migrations explicitly.</summary>
internal static class MigrateCommand
{
    private static readonly ConfigFlag s_databaseKind = new("--database-kind", DatabaseSettings.KindKey, "Database kind: postgres (default) or sqlite.", "KIND");
    private static readonly ConfigFlag s_connectionString = new("--connection-string", DatabaseSettings.ConnectionStringKey, "Database connection string (required for PostgreSQL; SQLite defaults to DATA-DIR/warden.db).", "CS");
    private static readonly ConfigFlag s_dataDir = new("--data-dir", DatabaseSettings.DataDirKey, "Data folder of an embedded (SQLite) installation.", "DIR");

    private static readonly ConfigFlag s_backupLocation = new("--backup-location", BackupSettings.LocationKey, "Where the backup taken before migrating goes: a folder path, file:///path or s3://bucket/prefix.", "LOCATION");
    private static readonly ConfigFlag s_postgresBinDir = new("--postgres-bin-dir", BackupSettings.PostgresBinDirKey, "Folder holding pg_dump and pg_restore.", "DIR");

    private static readonly Option<bool> s_noBackup = new("--no-backup")
    {
        Description = "Do not back up before migrating (same as Backup:BeforeMigrate=false). Logged as a warning and audited.",
    };

    private static readonly Option<bool> s_list = new("--list")
    {
        Description = "Only list applied and pending migrations; change nothing.",
    };

    private static readonly ConfigFlag[] s_flags = [s_databaseKind, s_connectionString, s_dataDir, s_backupLocation, s_postgresBinDir];

    public static Command Create()
    {
        var command = new Command("migrate", """
            Apply pending schema migrations to the control-plane database and exit. Concurrent runs are safe: on
            PostgreSQL the work happens under an advisory lock, so a second run waits and then finds nothing to do.
            Before upgrading a database that already has a schema, it takes a backup to Backup:Location
            (--backup-location; on SQLite DATA-DIR/backups by default) and refuses to migrate, changing nothing, when
            that backup fails or no location is set;
            --no-backup skips the backup (logged and audited). A new, empty database needs no backup.

            Examples:
              warden migrate --connection-string "Host=db;Database=warden;Username=warden;Password=…" --backup-location /var/backups/warden
              warden migrate --database-kind sqlite --data-dir ./warden-data --list
            """);
        ConfigFlag.AddAll(command, s_flags);

        command.Options.Add(s_list);
        command.Options.Add(s_noBackup);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configuration = WardenConfiguration.Build(parseResult, s_flags);
        var reader = new OptionsReader(configuration);
        var storage = DatabaseSettings.Read(configuration, reader, DatabaseKind.Postgres);
        var backup = BackupSettings.Read(configuration, reader);
        reader.ThrowIfInvalid();
        BackupSettings.ApplySqliteDefault(backup, storage);

        if (storage.Kind == DatabaseKind.Sqlite)
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }
        }

        var services = new ServiceCollection();
        services.AddWardenStorage(storage);
        await using var provider = services.BuildServiceProvider();
        var database = provider.GetRequiredService<WardenDatabase>();

        if (parseResult.GetValue(s_list))
        {
            var current = await database.GetCurrentMigrationAsync(cancellationToken);
            var pending = await database.GetPendingMigrationsAsync(cancellationToken);
            Console.WriteLine($"Current migration: {current ?? "(none: empty database)"}");
            Console.WriteLine(pending.Count == 0 ? "Pending: none" : "Pending: " + string.Join(", ", pending));
            return ExitCodes.Ok;
        }

        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        MigrationOutcome outcome;
        try
        {
            outcome = await MigrationBackup.MigrateAsync(database, storage, backup, parseResult.GetValue(s_noBackup), MigrationBackup.CliActor,
                TimeProvider.System, loggerFactory.CreateLogger("Warden.Migrate"), cancellationToken);
        }
        catch (BackupFailedException ex)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return ExitCodes.Failure;
        }

        if (outcome.Backup is not null)
        {
            Console.WriteLine($"Backed up to {outcome.Location}: backup {outcome.Backup.BackupId} (schema {outcome.Backup.SchemaMigration}).");
        }

        var applied = outcome.Applied;
        Console.WriteLine(applied.Count == 0
            ? "The database schema is up to date; nothing to apply."
            : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
        return ExitCodes.Ok;
    }
}
