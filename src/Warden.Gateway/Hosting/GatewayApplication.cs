using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Core.Budgets;
using Warden.Core.Snapshots;
using Warden.Gateway.Counters;
using Warden.Gateway.Credentials;
using Warden.Gateway.Forwarding;
using Warden.Gateway.Gates;
using Warden.Gateway.Guardrails;
using Warden.Gateway.Pipeline;
using Warden.Gateway.Snapshots;
using Warden.Gateway.Usage;
using Warden.Providers.Abstractions;
using Warden.Providers.Anthropic;
using Warden.Providers.AzureOpenAi;
using Warden.Providers.OpenAi;

namespace Warden.Gateway.Hosting;

/// <summary>Builds the data-plane web application.</summary>
public static class GatewayApplication
{
    /// <summary>
    /// Registers the gateway's services and configures Kestrel for <paramref name="options"/>. Callers may register
    /// their own <see cref="IUsageSink"/>, gates or <see cref="SnapshotStore"/> before building; defaults are added
    /// only where none is registered.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Warden.Gateway" });
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
        });
        builder.Services.AddWardenGateway(options);
        return builder;
    }

    /// <summary>Registers the gateway's services (defaults only where the caller registered none).</summary>
    public static IServiceCollection AddWardenGateway(this IServiceCollection services, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SnapshotStore>();
        services.TryAddSingleton<UpstreamHttpClient>();
        services.TryAddSingleton<CredentialResolver>();
        services.TryAddSingleton<CircuitBreaker>();
        services.TryAddSingleton<IUsageSink, LoggingUsageSink>();
        services.TryAddSingleton<PassThroughGates>();
        services.TryAddSingleton<GuardrailCompiler>();
        services.TryAddSingleton<IGuardrailGate, GuardrailGate>();
        services.AddMetrics();
        services.TryAddSingleton<CounterMetrics>();
        services.TryAddSingleton<ICounterStore>(_ => options.Counters.Store == CounterStoreKind.Redis
            ? new RedisCounterStore(options.Counters)
            : new MemoryCounterStore());
        // The ledger behind budget seeding: the control plane of a standalone gateway; hosts that embed the gateway
        // next to the control plane (warden serve) register the in-process ledger reader instead.
        services.TryAddSingleton<ISpendSource>(_ => options.ControlPlaneUrl is null ? new EmptyLedger() : new ControlPlaneSpendClient(options));
        services.TryAddSingleton<IBudgetGate, BudgetLimitGate>();
        // A restored database is a new counter epoch: log it, and let the memory store forget the old counters.
        services.AddHostedService<CounterEpochWatcher>();
        services.TryAddSingleton<IResponseCache>(sp => sp.GetRequiredService<PassThroughGates>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, OpenAiAdapter>(_ => new OpenAiAdapter(ProviderKind.OpenAi)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, MockAdapter>(_ => new MockAdapter()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, AzureOpenAiAdapter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, AnthropicAdapter>(sp => new AnthropicAdapter(sp.GetRequiredService<TimeProvider>())));
        services.TryAddSingleton<ProviderAdapterRegistry>();
        services.TryAddSingleton<ProviderForwarder>();
        return services;
    }

    /// <summary>Adds the gate chain and endpoints, in the documented order.</summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<Hosting.RequestIdMiddleware>();
        app.UseRouting();
        app.UseMiddleware<SnapshotMiddleware>();     // pins the snapshot (503 not_ready before the first)
        app.UseMiddleware<KeyAuthMiddleware>();      // 1. key auth
        app.UseMiddleware<RequestBodyMiddleware>();  //    body read once, size cap, peek
        app.UseMiddleware<GuardrailMiddleware>();    // 2. guardrails
        app.UseMiddleware<RoutingMiddleware>();      // 3. routing
        app.UseMiddleware<BudgetMiddleware>();       // 4. budget & limits
        app.UseMiddleware<CacheMiddleware>();        // 5. cache
        app.MapGatewayProbes();                      // 6. provider (the endpoints)
        app.MapOpenAiApi();
        app.MapFallback(GatewayEndpoints.AnswerUnmatchedAsync);
        return app;
    }
}
