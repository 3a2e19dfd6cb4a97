using System.Security.Cryptography;
using Warden.Storage.Backup;

namespace Warden.Storage.Tests.Backup;

/// <summary>The folder backup store and the location factory.</summary>
public sealed class FolderBackupStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("warden-store-").FullName;

    [Fact]
    public async Task PutOpenListDelete_RoundTripsObjects_InOrdinalOrder()
    {
        var store = new FolderBackupStore(_folder);
        await PutAsync(store, "b/manifest.json", [1, 2, 3]);
        await PutAsync(store, "a/payload.dump", [4]);
        await PutAsync(store, "a/manifest.json", [5]);

        Assert.Equal(["a/manifest.json", "a/payload.dump", "b/manifest.json"], await ListAsync(store, ""));
        Assert.Equal(["a/manifest.json", "a/payload.dump"], await ListAsync(store, "a/"));
        Assert.Equal([1, 2, 3], await ReadAsync(store, "b/manifest.json"));

        await store.DeleteAsync("b/manifest.json", CancellationToken.None);
        await store.DeleteAsync("b/manifest.json", CancellationToken.None); // missing: not an error
        Assert.False(Directory.Exists(Path.Combine(_folder, "b")), "an emptied backup folder is removed");
        await Assert.ThrowsAsync<BackupObjectNotFoundException>(() => store.OpenReadAsync("b/manifest.json", CancellationToken.None));
    }

    [Fact]
    public async Task Put_ThatFailsMidway_LeavesNeitherTheObjectNorATemporaryFile_AndKeepsThePreviousVersion()
    {
        var store = new FolderBackupStore(_folder);
        await PutAsync(store, "x/payload.dump", [9, 9, 9]);
        var data = RandomNumberGenerator.GetBytes(3 << 20);

        await Assert.ThrowsAsync<IOException>(() => store.PutAsync("x/payload.dump", new FailingStream(data, failAfter: 2 << 20), CancellationToken.None));

        Assert.Equal([9, 9, 9], await ReadAsync(store, "x/payload.dump"));
        Assert.Equal(["payload.dump"], Directory.GetFiles(Path.Combine(_folder, "x")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    public async Task InvalidNames_AreRejected(string name)
    {
        var store = new FolderBackupStore(_folder);

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(name, new MemoryStream([1]), CancellationToken.None));
    }

    [Fact]
    public void Factory_OpensPathsFileUrisAndS3_AndRefusesOtherSchemesClearly()
    {
        var byPath = BackupStoreFactory.Open(_folder);
        var byUri = BackupStoreFactory.Open(new Uri(_folder).AbsoluteUri);

        Assert.Equal(byPath.Location, byUri.Location);
        Assert.StartsWith("file:///", byPath.Location, StringComparison.Ordinal);
        var s3 = BackupStoreFactory.Open("s3://bucket/prefix", new S3BackupOptions { Endpoint = "http://127.0.0.1:9", AccessKeyId = "id", SecretAccessKey = "secret" });
        Assert.IsType<S3BackupStore>(s3);
        Assert.Equal("s3://bucket/prefix", s3.Location);
        Assert.Throws<NotSupportedException>(() => BackupStoreFactory.Open("ftp://host/x"));
        Assert.Throws<ArgumentException>(() => BackupStoreFactory.Open("file://remote-host/share"));
    }

    [Fact]
    public void BackupIds_CarryTheirCreationTime()
    {
        var at = new DateTimeOffset(2026, 11, 24, 10, 15, 0, TimeSpan.Zero);
        var id = BackupManifest.NewBackupId(at);

        Assert.Matches("^20261124T101500Z-[0-9a-f]{6}$", id);
        Assert.Equal(at, BackupManifest.TimeOfBackupId(id));
        Assert.Null(BackupManifest.TimeOfBackupId("lost+found"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task PutAsync(FolderBackupStore store, string name, byte[] content)
    {
        using var stream = new MemoryStream(content);
        await store.PutAsync(name, stream, CancellationToken.None);
    }

    private static async Task<byte[]> ReadAsync(FolderBackupStore store, string name)
    {
        await using var stream = await store.OpenReadAsync(name, CancellationToken.None);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static async Task<List<string>> ListAsync(FolderBackupStore store, string prefix)
    {
        var names = new List<string>();
        await foreach (var name in store.ListAsync(prefix, CancellationToken.None))
        {
            names.Add(name);
        }

        return names;
    }

    /// <summary>Yields <c>failAfter</c> bytes of the data, then throws, like a dump process that died.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= failAfter)
            {
                throw new IOException("the producer died");
            }

            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, failAfter - (int)Position)], cancellationToken);
        }
    }
}
