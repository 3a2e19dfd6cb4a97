using System.Text.Json;
using Warden.Testing;
using Warden.Tests.Reconcile;

namespace Warden.Tests.Backup;

/// <summary>
/// A running <c>warden serve --demo</c> on free ports in a fresh data folder, with the bootstrap admin token of
/// <see cref="AdminClient"/>, once its demo key is written: what the backup tests put under load.
/// </summary>
internal sealed class DemoServe : IAsyncDisposable
{
    private DemoServe(WardenProcess process, string dataDir, Uri controlPlaneUrl, string apiKey, string model, string apiBase)
    {
        Process = process;
        DataDir = dataDir;
        ControlPlaneUrl = controlPlaneUrl;
        ApiKey = apiKey;
        Model = model;
        ApiBase = apiBase;
    }

    public WardenProcess Process { get; }

    public string DataDir { get; }

    public Uri ControlPlaneUrl { get; }

    /// <summary>The demo API key, logical model and gateway API base from <c>demo.json</c>.</summary>
    public string ApiKey { get; }

    public string Model { get; }

    public string ApiBase { get; }

    public static async Task<DemoServe> StartAsync(string dataDirPrefix)
    {
        var dataDir = Directory.CreateTempSubdirectory(dataDirPrefix).FullName;
        var gatewayUrl = FreePort.NextUrl();
        var controlPlaneUrl = FreePort.NextUrl();
        var process = WardenProcess.Start(
            ["serve", "--demo", "--data-dir", dataDir, "--gateway-url", Trim(gatewayUrl), "--control-plane-url", Trim(controlPlaneUrl)],
            new Dictionary<string, string?> { ["WARDEN_BOOTSTRAP_ADMIN_TOKEN"] = AdminClient.Token });
        try
        {
            await process.WaitForHttpOkAsync(new Uri(gatewayUrl, "/readyz"), TimeSpan.FromSeconds(90));
            var demoFile = Path.Combine(dataDir, "demo.json");
            var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
            while (!File.Exists(demoFile))
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, "no demo.json: " + process.Output);
                await Task.Delay(100);
            }

            using var demo = JsonDocument.Parse(await File.ReadAllTextAsync(demoFile));
            var root = demo.RootElement;
            return new DemoServe(process, dataDir, controlPlaneUrl,
                root.GetProperty("apiKey").GetString()!, root.GetProperty("model").GetString()!, root.GetProperty("gatewayUrl").GetString()!);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static string Trim(Uri url) => url.ToString().TrimEnd('/');
}
