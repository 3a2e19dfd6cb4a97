using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Core.Snapshots;
using Warden.Gateway.Hosting;
using Warden.Gateway.Snapshots;
using Warden.Gateway.Usage;
using Warden.MockProvider;
using Warden.Testing;

namespace Warden.Gateway.Tests.Harness;

/// <summary>
/// A real gateway (Kestrel on a free loopback port) in front of a real mock upstream (also on a free port), with a
/// recording usage sink. Tests talk to it over HTTP with real clients.
/// </summary>
public sealed class GatewayHarness : IAsyncLifetime
{
    private WebApplication? _gateway;
    private WebApplication? _mock;
    private readonly long _maxRequestBytes;
    private readonly Action<IServiceCollection>? _services;

    public GatewayHarness()
        : this(GatewayOptions.DefaultMaxRequestBytes)
    {
    }

    public GatewayHarness(long maxRequestBytes, Action<IServiceCollection>? services = null)
    {
        _maxRequestBytes = maxRequestBytes;
        _services = services;
    }

    public Uri GatewayUrl { get; } = FreePort.NextUrl();

    public Uri MockUrl { get; } = FreePort.NextUrl();

    public RecordingUsageSink Usage { get; } = new();

    public SnapshotStore Snapshots { get; } = new();

    /// <summary>The base URL an OpenAI SDK uses (<c>…/v1</c>).</summary>
    public Uri ApiBase => new(GatewayUrl, "/v1/");

    /// <summary>The mock upstream's OpenAI base URL (<c>…/v1</c>).</summary>
    public Uri MockApiBase => new(MockUrl, "/v1");

    public async Task InitializeAsync()
    {
        _mock = MockProviderServer.Build(new MockProviderOptions { Url = MockUrl });
        await _mock.StartAsync();

        var builder = GatewayApplication.CreateBuilder(new GatewayOptions { Url = GatewayUrl.ToString().TrimEnd('/'), MaxRequestBytes = _maxRequestBytes });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(Snapshots);
        builder.Services.AddSingleton<IUsageSink>(Usage);
        _services?.Invoke(builder.Services);
        _gateway = builder.Build().UseGateway();
        await _gateway.StartAsync();
    }

    /// <summary>Applies a snapshot built by <paramref name="configure"/> and returns it.</summary>
    public ConfigSnapshot Apply(SnapshotFactory factory, long revision = 1)
    {
        var snapshot = factory.Build(revision);
        Snapshots.Apply(snapshot);
        return snapshot;
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }

        if (_mock is not null)
        {
            await _mock.StopAsync();
            await _mock.DisposeAsync();
        }
    }
}
