using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Gateway.Usage;
using Warden.MockProvider;
using Warden.Testing;
using Warden.Tests.Reconcile;
using Xunit.Abstractions;

namespace Warden.Tests.Usage;

/// <summary>
/// Zero loss with real processes: a <c>warden control-plane</c> on PostgreSQL and a <c>warden gateway</c> with its
/// spool; the control plane is killed under load, and a gateway holding spooled events is killed with SIGKILL.
/// Every request the gateway answered ends up in the ledger exactly once.
/// </summary>
public sealed class LedgerZeroLossTests : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly LedgerCluster _cluster;
    private readonly ITestOutputHelper _output;
    private readonly Uri _mockUrl = FreePort.NextUrl();
    private readonly string _spoolRoot = Directory.CreateTempSubdirectory("warden-ledger-spool-").FullName;
    private WebApplication? _mock;

    public LedgerZeroLossTests(PostgresDatabase database, ITestOutputHelper output)
    {
        _cluster = new LedgerCluster(database.ConnectionString);
        _output = output;
    }

    public async Task InitializeAsync()
    {
        _mock = MockProviderServer.Build(new MockProviderOptions { Url = _mockUrl });
        await _mock.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_mock is not null)
        {
            await _mock.DisposeAsync();
        }

        Directory.Delete(_spoolRoot, recursive: true);
    }

    [Fact]
    public async Task ControlPlaneKilledFor30s_UnderSteadyLoad_EveryRequestInTheLedgerOnce()
    {
        var controlPlaneUrl = FreePort.NextUrl();
        var controlPlane = _cluster.StartControlPlane(controlPlaneUrl);
        WardenProcess? controlPlaneAgain = null;
        try
        {
            await controlPlane.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(60));
            using var admin = new AdminClient(controlPlaneUrl);
            var (projectId, key) = await LedgerCluster.SetUpProjectAsync(admin, "steady", _mockUrl);
            var gatewayUrl = FreePort.NextUrl();
            await using var gateway = LedgerCluster.StartGateway(gatewayUrl, controlPlaneUrl, Path.Combine(_spoolRoot, "steady"));
            await gateway.WaitForHttpOkAsync(new Uri(gatewayUrl, "/readyz"));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            await LedgerCluster.WaitForChatOkAsync(http, gatewayUrl, key);

            // Steady load: four clients, each one request at a time with a 10 ms pause.
            var answers = new ConcurrentDictionary<HttpStatusCode, int>();
            var errors = new ConcurrentQueue<string>();
            using var stopLoad = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stopLoad.IsCancellationRequested)
                {
                    try
                    {
                        answers.AddOrUpdate(await LedgerCluster.ChatAsync(http, gatewayUrl, key), 1, (_, n) => n + 1);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        errors.Enqueue(ex.Message);
                    }

                    await Task.Delay(10);
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(3));
            controlPlane.Kill();
            var killedAt = Stopwatch.GetTimestamp();
            await Task.Delay(TimeSpan.FromSeconds(30));
            controlPlaneAgain = _cluster.StartControlPlane(controlPlaneUrl);
            await controlPlaneAgain.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(60));
            var downFor = Stopwatch.GetElapsedTime(killedAt);
            await Task.Delay(TimeSpan.FromSeconds(3));
            await stopLoad.CancelAsync();
            await Task.WhenAll(clients);

            // Every request was answered 200 (the gateway keeps serving its last snapshot), so each produced exactly
            // one usage event: the ledger must hold exactly that many rows, plus the warm-up request.
            Assert.Empty(errors);
            Assert.Equal([HttpStatusCode.OK], answers.Keys);
            var requests = answers[HttpStatusCode.OK] + 1;
            var drainStarted = Stopwatch.GetTimestamp();
            try
            {
                await _cluster.WaitForRowsAsync(projectId, requests, TimeSpan.FromSeconds(90));
            }
            finally
            {
                foreach (var line in gateway.Output.Split('\n').Where(l => l.Contains("sage", StringComparison.Ordinal)).TakeLast(40))
                {
                    _output.WriteLine(line);
                }
            }

            var drained = Stopwatch.GetElapsedTime(drainStarted);

            await using var context = _cluster.Contexts.CreateDbContext();
            var distinctRequests = await context.UsageRecords.Where(r => r.ProjectId == projectId).Select(r => r.RequestId).Distinct().CountAsync();
            Assert.Equal(requests, distinctRequests);
            Assert.Contains("Spooling usage events", gateway.Output, StringComparison.Ordinal);
            // The gateway logs the drain after its last acknowledgement, a moment after the rows became visible.
            await WaitForAsync(() => gateway.Output.Contains("Usage spool drained", StringComparison.Ordinal), "the gateway to log the drain");
            _output.WriteLine($"{requests} requests, control plane down {downFor.TotalSeconds:F1} s; ledger complete {drained.TotalSeconds:F1} s after the load stopped");
            Percentiles.WriteResult("ledger-zero-loss.json", JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["requests"] = requests,
                ["ledgerRows"] = requests,
                ["clients"] = 4,
                ["controlPlaneDownSeconds"] = Math.Round(downFor.TotalSeconds, 1),
                ["ledgerCompleteSecondsAfterLoad"] = Math.Round(drained.TotalSeconds, 1),
            }));
        }
        finally
        {
            await controlPlane.DisposeAsync();
            if (controlPlaneAgain is not null)
            {
                await controlPlaneAgain.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task GatewaySigkilledWithSpooledEvents_DeliversThemAfterRestart()
    {
        var controlPlaneUrl = FreePort.NextUrl();
        var spoolDir = Path.Combine(_spoolRoot, "sigkill");
        var controlPlane = _cluster.StartControlPlane(controlPlaneUrl);
        WardenProcess? controlPlaneAgain = null;
        try
        {
            await controlPlane.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(60));
            using var admin = new AdminClient(controlPlaneUrl);
            var (projectId, key) = await LedgerCluster.SetUpProjectAsync(admin, "sigkill", _mockUrl);
            var gatewayUrl = FreePort.NextUrl();
            var gateway = LedgerCluster.StartGateway(gatewayUrl, controlPlaneUrl, spoolDir);
            await using (gateway)
            {
                await gateway.WaitForHttpOkAsync(new Uri(gatewayUrl, "/readyz"));
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                await LedgerCluster.WaitForChatOkAsync(http, gatewayUrl, key);
                await _cluster.WaitForRowsAsync(projectId, 1, TimeSpan.FromSeconds(20));

                controlPlane.Kill();
                const int Requests = 300;
                var statuses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
                {
                    var ok = 0;
                    for (var i = 0; i < Requests / 4; i++)
                    {
                        ok += await LedgerCluster.ChatAsync(http, gatewayUrl, key) == HttpStatusCode.OK ? 1 : 0;
                    }

                    return ok;
                })));
                Assert.Equal(Requests, statuses.Sum());

                // Batches wait at most 200 ms; then they are appended and fsynced. Give it a generous margin.
                await WaitForAsync(() => gateway.Output.Contains("Spooling usage events", StringComparison.Ordinal), "the gateway to start spooling");
                await Task.Delay(TimeSpan.FromSeconds(2));
                gateway.Kill();
                await WaitForAsync(() => gateway.HasExited, "the gateway to die");
            }

            // What the killed gateway left on disk: every event, intact.
            using (var spool = UsageSpool.Open(spoolDir, NullLogger.Instance))
            {
                Assert.Equal(300, spool.PendingEvents);
            }

            controlPlaneAgain = _cluster.StartControlPlane(controlPlaneUrl);
            await controlPlaneAgain.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(60));
            await using var restarted = LedgerCluster.StartGateway(gatewayUrl, controlPlaneUrl, spoolDir);
            await _cluster.WaitForRowsAsync(projectId, 301, TimeSpan.FromSeconds(30));
            await WaitForAsync(() => Directory.GetFiles(spoolDir, "*.seg").Length == 0, "the spool segments to be deleted");
            await using var context = _cluster.Contexts.CreateDbContext();
            Assert.Equal(301, await context.UsageRecords.Where(r => r.ProjectId == projectId).Select(r => r.RequestId).Distinct().CountAsync());
        }
        finally
        {
            await controlPlane.DisposeAsync();
            if (controlPlaneAgain is not null)
            {
                await controlPlaneAgain.DisposeAsync();
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(50);
        }
    }
}
