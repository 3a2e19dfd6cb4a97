using Warden.Storage;
using Warden.Testing;

namespace Warden.Tests.Reconcile;

/// <summary>
/// A running <c>warden serve</c> on free ports in a fresh data folder, configured only through its admin API with the
/// bootstrap admin token of <see cref="AdminClient"/> (no local break-glass admin), once its control plane is ready.
/// </summary>
internal sealed class AdminServe : IAsyncDisposable
{
    private AdminServe(WardenProcess process, string dataDir, Uri gatewayUrl, Uri controlPlaneUrl)
    {
        Process = process;
        DataDir = dataDir;
        GatewayUrl = gatewayUrl;
        ControlPlaneUrl = controlPlaneUrl;
    }

    public WardenProcess Process { get; }

    public string DataDir { get; }

    public Uri GatewayUrl { get; }

    public Uri ControlPlaneUrl { get; }

    /// <summary>Storage options of its SQLite database, for reading what it stored.</summary>
    public StorageOptions Storage => StorageOptions.ForSqliteFile(Path.Combine(DataDir, "warden.db"));

    public static async Task<AdminServe> StartAsync(string dataDirPrefix)
    {
        var dataDir = Directory.CreateTempSubdirectory(dataDirPrefix).FullName;
        var gatewayUrl = FreePort.NextUrl();
        var controlPlaneUrl = FreePort.NextUrl();
        var process = WardenProcess.Start(
            ["serve", "--data-dir", dataDir, "--gateway-url", gatewayUrl.ToString().TrimEnd('/'), "--control-plane-url", controlPlaneUrl.ToString().TrimEnd('/')],
            new Dictionary<string, string?> { ["WARDEN__ControlPlane__BootstrapAdminToken"] = AdminClient.Token, ["WARDEN__ControlPlane__LocalAdmin"] = "false" });
        try
        {
            await process.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/readyz"), TimeSpan.FromSeconds(60));
            return new AdminServe(process, dataDir, gatewayUrl, controlPlaneUrl);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
