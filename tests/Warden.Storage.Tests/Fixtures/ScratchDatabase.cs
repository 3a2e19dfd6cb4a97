using Warden.Storage;

namespace Warden.Storage.Tests.Fixtures;

/// <summary>A throw-away empty database created inside a test.</summary>
public sealed class ScratchDatabase(StorageOptions options, Func<Task> dispose) : IAsyncDisposable
{
    public StorageOptions Options { get; } = options;

    public WardenDatabase NewWardenDatabase() => new(new WardenDbContextFactory(Options));

    public async ValueTask DisposeAsync() => await dispose();
}
