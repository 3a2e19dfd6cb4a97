using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Warden.Gateway.Usage;

/// <summary>Registers the usage shipper in place of the logging sink.</summary>
public static class UsageShipperServiceCollectionExtensions
{
    /// <summary>
    /// Ships usage events through the registered <see cref="IUsageTransport"/> (the caller registers one), spooling to
    /// <paramref name="spoolDirectory"/> when it cannot deliver. Replaces any <see cref="IUsageSink"/>.
    /// </summary>
    public static IServiceCollection AddUsageShipper(this IServiceCollection services, string spoolDirectory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(spoolDirectory);
        services.AddSingleton(sp => UsageSpool.Open(spoolDirectory, sp.GetRequiredService<ILoggerFactory>().CreateLogger<UsageSpool>()));
        services.AddSingleton(sp => new UsageShipper(
            sp.GetRequiredService<IUsageTransport>(),
            sp.GetRequiredService<UsageSpool>(),
            sp.GetRequiredService<GatewayOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<UsageShipper>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.Replace(ServiceDescriptor.Singleton<IUsageSink>(sp => sp.GetRequiredService<UsageShipper>()));
        services.AddHostedService(sp => sp.GetRequiredService<UsageShipper>());
        return services;
    }
}
