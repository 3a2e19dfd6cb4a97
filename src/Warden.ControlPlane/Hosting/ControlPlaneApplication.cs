using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Warden.ControlPlane.Admin;
using Warden.ControlPlane.Budgets;
using Warden.ControlPlane.Demo;
using Warden.ControlPlane.Internal;
using Warden.ControlPlane.Reconcile;
using Warden.ControlPlane.Usage;
using Warden.Storage;
using Warden.Storage.Ledger;

namespace Warden.ControlPlane.Hosting;

/// <summary>Builds the control-plane web application.</summary>
public static class ControlPlaneApplication
{
    /// <summary>Registers the control plane's services and configures Kestrel.</summary>
    public static WebApplicationBuilder CreateBuilder(ControlPlaneOptions options, StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Warden.ControlPlane" });
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddSingleton(options);
        builder.Services.AddWardenStorage(storage);
        builder.Services.AddSingleton<ControlPlaneReadiness>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DemoSeeder>();
        builder.Services.AddSingleton<LedgerSpendReader>();
        builder.Services.AddReconcile();
        builder.Services.AddAdminApi();
        builder.Services.AddSingleton(_ => new UsageLedgerWriter(storage));
        builder.Services.AddSingleton<UsageIngestService>();
        return builder;
    }

    /// <summary>Adds the control plane's middleware and endpoints.</summary>
    public static WebApplication UseControlPlane(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAdminApiProblems();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", (ControlPlaneReadiness readiness) => readiness.IsReady
            ? Results.Text("ready")
            : Results.Text("not_ready", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapInternalEndpoints();
        app.MapAdminApi();
        return app;
    }
}
