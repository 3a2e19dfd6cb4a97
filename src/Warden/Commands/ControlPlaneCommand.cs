using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Warden.Configuration;
using Warden.ControlPlane;
using Warden.ControlPlane.Hosting;
using Warden.Hosting;
using Warden.Storage;

namespace Warden.Commands;

/// <summary><c>warden control-plane</c>: the control plane alone, on PostgreSQL.</summary>
internal static class ControlPlaneCommand
{
    private static readonly ConfigFlag s_url = new("--url", "ControlPlane:Url", "URL the control plane listens on.", "URL");
    private static readonly ConfigFlag s_databaseKind = new("--database-kind", DatabaseSettings.KindKey, "Database kind: postgres (default) or sqlite.", "KIND");
    private static readonly ConfigFlag s_connectionString = new("--connection-string", DatabaseSettings.ConnectionStringKey, "Database connection string (required for PostgreSQL).", "CS");

    private static readonly ConfigFlag[] s_flags = [s_url, s_databaseKind, s_connectionString];

    public static Command Create()
    {
        var command = new Command("control-plane", """
            Run the control plane without a gateway: it serves the admin API under /api (OpenAPI at /api/openapi.json),
            builds the configuration snapshot from the database and serves it to gateways on /internal/snapshot, with
            /healthz and /readyz. Cluster-wide jobs (audit pruning) run on one replica at a time.
            Needs a database connection string. Applies pending migrations at start (under a PostgreSQL advisory lock,
            so only one replica migrates) and reports ready on /readyz only afterwards. An existing database with
            pending migrations is backed up to Backup:Location first (WARDEN__Backup__Location); without a location, or
            when the backup fails, the start is refused and nothing changes (Backup:BeforeMigrate=false skips it).
            The internal token that gateways present is read from ControlPlane:InternalToken
            (env WARDEN__ControlPlane__InternalToken), never from the command line. WARDEN_BOOTSTRAP_ADMIN_TOKEN, when set
            (at least 32 characters), is a platform-admin bearer token for the admin API.

            Examples:
              WARDEN__ControlPlane__InternalToken=$(cat /run/secrets/internal-token) \
                warden control-plane --connection-string "Host=db;Database=warden;Username=warden;Password=…"
            """);
        ConfigFlag.AddAll(command, s_flags);

        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configuration = WardenConfiguration.Build(parseResult, s_flags);
        var reader = new OptionsReader(configuration);
        var options = reader.Read(ControlPlaneOptions.Section, new ControlPlaneOptionsValidator { Standalone = true });
        var storage = DatabaseSettings.Read(configuration, reader, DatabaseKind.Postgres);
        var backup = BackupSettings.Read(configuration, reader);
        reader.ThrowIfInvalid();
        BackupSettings.ApplySqliteDefault(backup, storage);

        var builder = ControlPlaneApplication.CreateBuilder(options, storage);
        builder.Configuration.AddConfiguration(configuration);
        LoggingSetup.Configure(builder.Logging, configuration, "json");
        builder.Services.AddSingleton(backup);
        var app = builder.Build().UseControlPlane();
        return await HostRunner.RunAsync([app], null, cancellationToken);
    }
}
