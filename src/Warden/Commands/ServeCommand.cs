using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Warden.Configuration;
using Warden.ControlPlane;
using Warden.ControlPlane.Hosting;
using Warden.Gateway;
using Warden.Gateway.Hosting;
using Warden.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Warden.ControlPlane.Admin;
using Warden.ControlPlane.Budgets;
using Warden.Core.Budgets;
using Warden.ControlPlane.Demo;
using Warden.ControlPlane.Reconcile;
using Warden.ControlPlane.Usage;
using Warden.Gateway.Snapshots;
using Warden.Gateway.Usage;
using Warden.MockProvider;
using Warden.Storage;

namespace Warden.Commands;

/// <summary><c>warden serve</c>: control plane and gateway in one process on the embedded database.</summary>
internal static class ServeCommand
{
    private static readonly ConfigFlag s_dataDir = new("--data-dir", DatabaseSettings.DataDirKey, "Folder for the embedded SQLite database and local state.", "DIR");
    private static readonly ConfigFlag s_gatewayUrl = new("--gateway-url", "Gateway:Url", "URL the gateway (OpenAI API, MCP) listens on.", "URL");
    private static readonly ConfigFlag s_controlPlaneUrl = new("--control-plane-url", "ControlPlane:Url", "URL the control plane listens on (probes and the internal snapshot channel).", "URL");
    private static readonly ConfigFlag s_databaseKind = new("--database-kind", DatabaseSettings.KindKey, "Database kind: sqlite (default for serve) or postgres.", "KIND");
    private static readonly ConfigFlag s_connectionString = new("--connection-string", DatabaseSettings.ConnectionStringKey, "Database connection string; default: DATA-DIR/warden.db (SQLite).", "CS");

    private static readonly Option<bool> s_demo = new("--demo")
    {
        Description = "Seed a demo organization/project wired to a built-in mock provider, print a ready API key and a curl line, and write them to DATA-DIR/demo.json.",
    };

    private static readonly ConfigFlag s_counterStore = new("--counter-store", "Gateway:Counters:Store", "Budget and limit counters: memory (one gateway, the default) or redis (shared; connection string in Gateway:Counters:Redis).", "KIND");
    private static readonly ConfigFlag[] s_flags = [s_dataDir, s_gatewayUrl, s_controlPlaneUrl, s_databaseKind, s_connectionString, s_counterStore];

    public static Command Create()
    {
        var command = new Command("serve", """
            Run everything in one process: control plane on --control-plane-url, gateway on --gateway-url.
            Uses an embedded SQLite database under --data-dir and in-process counters; applies pending migrations at start.
            Configuration changes reach the in-process gateway directly. Stops gracefully on Ctrl-C or SIGTERM.
            The admin API is on the control plane under /api (OpenAPI at /api/openapi.json). On first start, without an
            identity provider, a local break-glass platform admin (admin@warden.local) is created and its access token
            printed once; ControlPlane:LocalAdmin=false switches this off.

            Examples:
              warden serve --demo
              warden serve
              warden serve --data-dir /var/lib/warden --gateway-url http://0.0.0.0:8080
              WARDEN__Gateway__MaxRequestBytes=20971520 warden serve
            """);
        ConfigFlag.AddAll(command, s_flags);

        command.Options.Add(s_demo);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configuration = WardenConfiguration.Build(parseResult, s_flags, new Dictionary<string, string?>
        {
            [DatabaseSettings.DataDirKey] = "warden-data",
            ["ControlPlane:LocalAdmin"] = "true",
        });
        var reader = new OptionsReader(configuration);
        var controlPlane = reader.Read(ControlPlaneOptions.Section, new ControlPlaneOptionsValidator());
        var gateway = reader.Read(GatewayOptions.Section, new GatewayOptionsValidator());
        var storage = DatabaseSettings.Read(configuration, reader, DatabaseKind.Sqlite);
        var backup = BackupSettings.Read(configuration, reader);
        if (string.Equals(controlPlane.Url, gateway.Url, StringComparison.OrdinalIgnoreCase))
        {
            reader.AddError("Gateway:Url and ControlPlane:Url must differ (both are " + gateway.Url + ").");
        }

        reader.ThrowIfInvalid();

        var dataDir = Path.GetFullPath(configuration[DatabaseSettings.DataDirKey]!);
        Directory.CreateDirectory(dataDir);
        // Upgrades of the embedded database back up next to it (DATA-DIR/backups) unless told otherwise (DR-4).
        BackupSettings.ApplySqliteDefault(backup, storage);

        var snapshots = new SnapshotStore();
        var apps = new List<WebApplication>();
        DemoOptions? demo = null;
        if (parseResult.GetValue(s_demo))
        {
            // The demo's upstream: the mock provider on a free loopback port, in this process.
            var mockUrl = new Uri($"http://127.0.0.1:{LoopbackPort.Next()}");
            apps.Add(MockProviderServer.Build(new MockProviderOptions { Url = mockUrl }));
            demo = new DemoOptions { MockProviderApiBase = new Uri(mockUrl, "/v1"), GatewayUrl = new Uri(gateway.Url) };
        }

        var controlPlaneBuilder = ControlPlaneApplication.CreateBuilder(controlPlane, storage);
        controlPlaneBuilder.Configuration.AddConfiguration(configuration);
        LoggingSetup.Configure(controlPlaneBuilder.Logging, configuration, "simple");
        controlPlaneBuilder.Services.AddSingleton(backup);
        controlPlaneBuilder.Services.AddSingleton<ISnapshotPublisher>(new InProcessSnapshotPublisher(snapshots));
        if (demo is not null)
        {
            controlPlaneBuilder.Services.AddSingleton(demo);
        }

        var controlPlaneApp = controlPlaneBuilder.Build().UseControlPlane();
        apps.Add(controlPlaneApp);

        var gatewayBuilder = GatewayApplication.CreateBuilder(gateway);
        gatewayBuilder.Configuration.AddConfiguration(configuration);
        LoggingSetup.Configure(gatewayBuilder.Logging, configuration, "simple");
        gatewayBuilder.Services.AddSingleton(snapshots);
        // Usage goes through the cluster's shipper and spool into the control plane's ingest service (in-process).
        gatewayBuilder.Services.AddSingleton<IUsageTransport>(new InProcessUsageTransport(controlPlaneApp.Services.GetRequiredService<UsageIngestService>()));
        gatewayBuilder.Services.AddUsageShipper(Path.GetFullPath(gateway.SpoolDir ?? Path.Combine(dataDir, "spool")));
        // Budget counters are seeded from the ledger in this process: the same interface a standalone gateway reaches
        // over /internal/spend.
        gatewayBuilder.Services.AddSingleton<ISpendSource>(controlPlaneApp.Services.GetRequiredService<LedgerSpendReader>());
        apps.Add(gatewayBuilder.Build().UseGateway());

        return await HostRunner.RunAsync(apps, async () =>
        {
            Console.WriteLine($"Warden is running (data: {dataDir}).");
            Console.WriteLine($"  Gateway (OpenAI API):       {gateway.Url}/v1");
            Console.WriteLine($"  Control plane:              {controlPlane.Url}");
            if (demo is not null)
            {
                var info = await demo.Seeded.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
                await DemoFile.WriteAsync(Path.Combine(dataDir, "demo.json"), info, cancellationToken);
                Console.WriteLine();
                Console.WriteLine("Demo ready: organization 'demo', project 'playground', model '" + info.Model + "' (built-in mock provider).");
                Console.WriteLine("  API key (shown once): " + info.ApiKey);
                Console.WriteLine("  Try it:");
                Console.WriteLine($"    curl {info.GatewayUrl}/chat/completions -H 'Authorization: Bearer {info.ApiKey}' -H 'Content-Type: application/json' -d '{{\"model\":\"{info.Model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"Hello!\"}}]}}'");
                Console.WriteLine("  (also written to " + Path.Combine(dataDir, "demo.json") + ")");
            }

            if (controlPlane.LocalAdmin)
            {
                await controlPlaneApp.Services.GetRequiredService<ControlPlaneReadiness>().WhenReady.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
                var token = await BreakGlassAdmin.EnsureAsync(
                    controlPlaneApp.Services.GetRequiredService<IDbContextFactory<WardenDbContext>>(), TimeProvider.System.GetUtcNow(), cancellationToken);
                if (token is not null)
                {
                    Console.WriteLine();
                    Console.WriteLine($"Local break-glass platform admin created: {BreakGlassAdmin.Email}");
                    Console.WriteLine("  Admin API token (shown once, store it safely): " + token);
                    Console.WriteLine($"    curl {controlPlane.Url}/api/orgs -H 'Authorization: Bearer {token}'");
                    Console.WriteLine("  Set ControlPlane:LocalAdmin=false to stop creating a local admin.");
                }
            }

            Console.WriteLine("Press Ctrl-C to stop.");
        }, cancellationToken);
    }
}
