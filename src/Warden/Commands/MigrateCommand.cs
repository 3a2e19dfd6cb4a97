using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Warden.Configuration;
using Warden.Storage;

namespace Warden.Commands;

/// <summary><c>warden migrate</c>: apply pending database migrations explicitly.</summary>
internal static class MigrateCommand
{
    private static readonly ConfigFlag s_databaseKind = new("--database-kind", DatabaseSettings.KindKey, "Database kind: postgres (default) or sqlite.", "KIND");
    private static readonly ConfigFlag s_connectionString = new("--connection-string", DatabaseSettings.ConnectionStringKey, "Database connection string (required for PostgreSQL; SQLite defaults to DATA-DIR/warden.db).", "CS");
    private static readonly ConfigFlag s_dataDir = new("--data-dir", DatabaseSettings.DataDirKey, "Data folder of an embedded (SQLite) installation.", "DIR");

    private static readonly Option<bool> s_list = new("--list")
    {
        Description = "Only list applied and pending migrations; change nothing.",
    };

    private static readonly ConfigFlag[] s_flags = [s_databaseKind, s_connectionString, s_dataDir];

    public static Command Create()
    {
        var command = new Command("migrate", """
            Apply pending schema migrations to the control-plane database and exit. Concurrent runs are safe: on
            PostgreSQL the work happens under an advisory lock, so a second run waits and then finds nothing to do.

            Examples:
              warden migrate --connection-string "Host=db;Database=warden;Username=warden;Password=…"
              warden migrate --database-kind sqlite --data-dir ./warden-data --list
            """);
        ConfigFlag.AddAll(command, s_flags);

        command.Options.Add(s_list);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configuration = WardenConfiguration.Build(parseResult, s_flags);
        var reader = new OptionsReader(configuration);
        var storage = DatabaseSettings.Read(configuration, reader, DatabaseKind.Postgres);
        reader.ThrowIfInvalid();

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

        var applied = await database.MigrateAsync(cancellationToken);
        Console.WriteLine(applied.Count == 0
            ? "The database schema is up to date; nothing to apply."
            : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
        return ExitCodes.Ok;
    }
}
