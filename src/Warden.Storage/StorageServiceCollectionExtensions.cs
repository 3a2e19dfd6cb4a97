using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Warden.Storage;

/// <summary>Registers the storage layer in a service collection.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StorageOptions"/>, <see cref="WardenDbContextFactory"/> (also as
    /// <c>IDbContextFactory&lt;WardenDbContext&gt;</c>) and <see cref="WardenDatabase"/> as singletons, and a scoped
    /// <see cref="WardenDbContext"/> for request-scoped code.
    /// </summary>
    public static IServiceCollection AddWardenStorage(this IServiceCollection services, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        services.AddSingleton(options);
        services.AddSingleton(provider => new WardenDbContextFactory(options, provider.GetService<ILoggerFactory>()));
        services.AddSingleton<IDbContextFactory<WardenDbContext>>(provider => provider.GetRequiredService<WardenDbContextFactory>());
        services.AddSingleton(provider => new WardenDatabase(
            provider.GetRequiredService<WardenDbContextFactory>(),
            provider.GetService<ILogger<WardenDatabase>>()));
        services.AddScoped(provider => provider.GetRequiredService<WardenDbContextFactory>().CreateDbContext());
        return services;
    }
}
