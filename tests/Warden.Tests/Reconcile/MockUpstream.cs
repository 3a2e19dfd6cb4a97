using Microsoft.AspNetCore.Builder;
using Warden.MockProvider;
using Warden.Testing;

namespace Warden.Tests.Reconcile;

/// <summary>A class fixture: the mock LLM upstream, in process, on a free loopback port.</summary>
public sealed class MockUpstream : IAsyncLifetime
{
    private WebApplication? _mock;

    public Uri Url { get; } = FreePort.NextUrl();

    /// <summary>Its OpenAI base URL (<c>…/v1</c>), what a provider's base URL is set to.</summary>
    public Uri ApiBase => new(Url, "/v1");

    public async Task InitializeAsync()
    {
        _mock = MockProviderServer.Build(new MockProviderOptions { Url = Url });
        await _mock.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_mock is not null)
        {
            await _mock.DisposeAsync();
        }
    }
}
