namespace Warden.MockProvider.Tests;

/// <summary>A mock provider with default options, shared by the tests of one class.</summary>
public sealed class MockServerFixture : IAsyncLifetime
{
    private MockServer? _server;

    public MockServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await MockServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
