using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Warden.Configuration;
using Warden.ControlPlane.Audit;
using Warden.Storage;

namespace Warden.Commands;

/// <summary><c>warden audit verify</c>: prove the audit log's hash chain.</summary>
internal static class AuditCommand
{
    private static readonly ConfigFlag s_databaseKind = new("--database-kind", DatabaseSettings.KindKey, "Database kind: postgres (default) or sqlite.", "KIND");
    private static readonly ConfigFlag s_connectionString = new("--connection-string", DatabaseSettings.ConnectionStringKey, "Database connection string (required for PostgreSQL; SQLite defaults to DATA-DIR/warden.db).", "CS");
    private static readonly ConfigFlag s_dataDir = new("--data-dir", DatabaseSettings.DataDirKey, "Data folder of an embedded (SQLite) installation.", "DIR");
    private static readonly ConfigFlag[] s_flags = [s_databaseKind, s_connectionString, s_dataDir];

    public static Command Create()
    {
        var verify = new Command("verify", """
            Walk the audit log's hash chain from the oldest event and report whether every event still links to the one
            before it and matches its own hash. Exits 0 when the chain is intact; exits 1 and names the first broken event
            (its id and why) when an event was changed, removed or re-ordered.

            Examples:
              warden audit verify --connection-string "Host=db;Database=warden;Username=warden;Password=…"
              warden audit verify --database-kind sqlite --data-dir ./warden-data
            """);
        ConfigFlag.AddAll(verify, s_flags);
        verify.SetAction(VerifyAsync);

        var command = new Command("audit", "Work with the tamper-evident audit log.");
        command.Subcommands.Add(verify);
        return command;
    }

    private static async Task<int> VerifyAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configuration = WardenConfiguration.Build(parseResult, s_flags);
        var reader = new OptionsReader(configuration);
        var storage = DatabaseSettings.Read(configuration, reader, DatabaseKind.Postgres);
        reader.ThrowIfInvalid();

        var services = new ServiceCollection();
        services.AddWardenStorage(storage);
        await using var provider = services.BuildServiceProvider();
        await using var db = provider.GetRequiredService<WardenDbContextFactory>().CreateDbContext();
        var result = await AuditChain.VerifyAsync(db, cancellationToken);
        if (result.Valid)
        {
            Console.WriteLine($"Audit chain intact: {result.Checked} event(s) verified.");
            return ExitCodes.Ok;
        }

        Console.WriteLine($"Audit chain BROKEN at event {result.FirstBrokenId}: {result.Reason}. {result.Checked} event(s) before it verified.");
        return 1;
    }
}
