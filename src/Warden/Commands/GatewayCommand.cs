using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Warden.Configuration;
using Warden.Gateway;
using Warden.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Gateway.Snapshots;
using Warden.Gateway.Usage;
using Warden.Hosting;

namespace Warden.Commands;

/// <summary><c>warden gateway</c>: the data plane alone.</summary>
internal static class GatewayCommand
{
    private static readonly ConfigFlag s_url = new("--url", "Gateway:Url", "URL the gateway listens on.", "URL");
    private static readonly ConfigFlag s_controlPlaneUrl = new("--control-plane-url", "Gateway:ControlPlaneUrl", "URL of the control plane to take configuration from.", "URL");
    private static readonly ConfigFlag s_maxRequestBytes = new("--max-request-bytes", "Gateway:MaxRequestBytes", "Largest accepted request body in bytes (default 10485760).", "BYTES");

    private static readonly ConfigFlag s_counterStore = new("--counter-store", "Gateway:Counters:Store", "Budget and limit counters: memory (one gateway, the default) or redis (shared; connection string in Gateway:Counters:Redis).", "KIND");
    private static readonly ConfigFlag[] s_flags = [s_url, s_controlPlaneUrl, s_maxRequestBytes, s_counterStore];

    public static Command Create()
    {
        var command = new Command("gateway", """
            Run the data plane (OpenAI-compatible API, MCP, /healthz, /readyz, /metrics) without a control plane.
            It holds no configuration of its own: it long-polls the control plane's /internal/snapshot and applies each
            new snapshot atomically; until the first one, API calls get 503 not_ready and /readyz fails. If the control
            plane goes away it keeps serving the last snapshot and reconnects by itself. The internal token is read from Gateway:InternalToken
            (env WARDEN__Gateway__InternalToken), never from the command line.
            Usage events are shipped in batches to the control plane's /internal/usage with Gateway:IngestToken
            (env WARDEN__Gateway__IngestToken, its own secret); while the control plane cannot take them they are kept in a
            durable spool under Gateway:SpoolDir (default DATA-DIR/spool, one folder per gateway) and re-sent in order.
            Budgets and limits are counted in memory by default; with more than one gateway use --counter-store redis
            and set Gateway:Counters:Redis (env WARDEN__Gateway__Counters__Redis). Budget counters are seeded from the
            control plane's ledger; if Redis is unreachable budgets fail closed (503) and limits fail open, unless
            Gateway:Budgets:FailMode / Gateway:Limits:FailMode say otherwise.

            Examples:
              WARDEN__Gateway__InternalToken=$(cat /run/secrets/internal-token) \
              WARDEN__Gateway__IngestToken=$(cat /run/secrets/ingest-token) WARDEN__Gateway__SpoolDir=/var/lib/warden/spool \
                warden gateway --url http://0.0.0.0:8080 --control-plane-url http://warden-control-plane:8081
              WARDEN__Gateway__InternalToken=… WARDEN__Gateway__Counters__Redis=redis:6379 \
                warden gateway --control-plane-url http://warden-control-plane:8081 --counter-store redis
            """);
        ConfigFlag.AddAll(command, s_flags);

        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configuration = WardenConfiguration.Build(parseResult, s_flags);
        var reader = new OptionsReader(configuration);
        var options = reader.Read(GatewayOptions.Section, new GatewayOptionsValidator { Standalone = true });
        reader.ThrowIfInvalid();

        var builder = GatewayApplication.CreateBuilder(options);
        builder.Services.AddHostedService<ControlPlaneSnapshotSubscriber>();
        if (string.IsNullOrEmpty(options.IngestToken))
        {
            builder.Services.AddHostedService<UsageShippingDisabledNotice>();
        }
        else
        {
            var ingestToken = options.IngestToken;
            builder.Services.AddSingleton<IUsageTransport>(sp => new HttpUsageTransport(
                new Uri(options.ControlPlaneUrl!), ingestToken, sp.GetRequiredService<ILogger<HttpUsageTransport>>()));
            var dataDir = configuration[DatabaseSettings.DataDirKey] ?? "warden-data";
            builder.Services.AddUsageShipper(Path.GetFullPath(options.SpoolDir ?? Path.Combine(dataDir, "spool")));
        }

        builder.Configuration.AddConfiguration(configuration);
        LoggingSetup.Configure(builder.Logging, configuration, "json");
        var app = builder.Build().UseGateway();
        return await HostRunner.RunAsync([app], null, cancellationToken);
    }
}
