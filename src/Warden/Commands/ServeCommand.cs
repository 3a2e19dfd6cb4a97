using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Warden.Configuration;
using Warden.ControlPlane;
using Warden.ControlPlane.Hosting;
using Warden.Gateway;
using Warden.Gateway.Hosting;
using Warden.Hosting;
using Warden.Storage;

namespace Warden.Commands;

/// <summary><c>warden serve</c>: control plane, console and gateway in one process on the embedded database.</summary>
internal static class ServeCommand
{
    private static readonly ConfigFlag s_dataDir = new("--data-dir", DatabaseSettings.DataDirKey, "Folder for the embedded SQLite database and local state.", "DIR");
    private static readonly ConfigFlag s_gatewayUrl = new("--gateway-url", "Gateway:Url", "URL the gateway (OpenAI API, MCP) listens on.", "URL");
    private static readonly ConfigFlag s_controlPlaneUrl = new("--control-plane-url", "ControlPlane:Url", "URL the control plane (console, admin API) listens on.", "URL");
    private static readonly ConfigFlag s_databaseKind = new("--database-kind", DatabaseSettings.KindKey, "Database kind: sqlite (default for serve) or postgres.", "KIND");
    private static readonly ConfigFlag s_connectionString = new("--connection-string", DatabaseSettings.ConnectionStringKey, "Database connection string; default: DATA-DIR/warden.db (SQLite).", "CS");

    private static readonly ConfigFlag[] s_flags = [s_dataDir, s_gatewayUrl, s_controlPlaneUrl, s_databaseKind, s_connectionString];

    public static Command Create()
    {
        var command = new Command("serve", """
            Run everything in one process: control plane + console on --control-plane-url, gateway on --gateway-url.
            Uses an embedded SQLite database under --data-dir and in-process counters; applies pending migrations at start.
            Stops gracefully on Ctrl-C or SIGTERM.

            Examples:
              warden serve
              warden serve --data-dir /var/lib/warden --gateway-url http://0.0.0.0:8080
              WARDEN__Gateway__MaxRequestBytes=20971520 warden serve
            """);
        foreach (var flag in s_flags)
        {
            command.Options.Add(flag.Option);
        }

        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configuration = WardenConfiguration.Build(parseResult, s_flags, new Dictionary<string, string?>
        {
            [DatabaseSettings.DataDirKey] = "warden-data",
        });
        var reader = new OptionsReader(configuration);
        var controlPlane = reader.Read(ControlPlaneOptions.Section, new ControlPlaneOptionsValidator());
        var gateway = reader.Read(GatewayOptions.Section, new GatewayOptionsValidator());
        var storage = DatabaseSettings.Read(configuration, reader, DatabaseKind.Sqlite);
        if (string.Equals(controlPlane.Url, gateway.Url, StringComparison.OrdinalIgnoreCase))
        {
            reader.AddError("Gateway:Url and ControlPlane:Url must differ (both are " + gateway.Url + ").");
        }

        reader.ThrowIfInvalid();

        var dataDir = Path.GetFullPath(configuration[DatabaseSettings.DataDirKey]!);
        Directory.CreateDirectory(dataDir);

        var controlPlaneBuilder = ControlPlaneApplication.CreateBuilder(controlPlane, storage);
        controlPlaneBuilder.Configuration.AddConfiguration(configuration);
        LoggingSetup.Configure(controlPlaneBuilder.Logging, configuration, "simple");
        var controlPlaneApp = controlPlaneBuilder.Build().UseControlPlane();

        var gatewayBuilder = GatewayApplication.CreateBuilder(gateway);
        gatewayBuilder.Configuration.AddConfiguration(configuration);
        LoggingSetup.Configure(gatewayBuilder.Logging, configuration, "simple");
        var gatewayApp = gatewayBuilder.Build().UseGateway();

        return await HostRunner.RunAsync([controlPlaneApp, gatewayApp], () =>
        {
            Console.WriteLine($"Warden is running (data: {dataDir}).");
            Console.WriteLine($"  Gateway (OpenAI API):       {gateway.Url}/v1");
            Console.WriteLine($"  Control plane (admin API):  {controlPlane.Url}/api");
            Console.WriteLine("Press Ctrl-C to stop.");
        }, cancellationToken);
    }
}
