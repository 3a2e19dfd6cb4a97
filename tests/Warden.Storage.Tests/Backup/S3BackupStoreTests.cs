using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using Warden.Storage.Backup;
using Warden.Testing;
using Xunit.Abstractions;

namespace Warden.Storage.Tests.Backup;

/// <summary>The <see cref="IBackupStore"/> contract of <see cref="S3BackupStore"/> against a real Ceph RADOS Gateway.</summary>
public sealed class S3BackupStoreTests : IClassFixture<S3TestBucket>
{
    private const int OneMiB = 1024 * 1024;
    private readonly S3TestBucket _bucket;
    private readonly ITestOutputHelper _output;

    public S3BackupStoreTests(S3TestBucket bucket, ITestOutputHelper output)
    {
        _bucket = bucket;
        _output = output;
    }

    [Fact]
    public async Task Put_SmallObject_ReadsBackTheSameBytes()
    {
        using var store = S3TestStores.Open(_bucket, "small");
        var payload = Encoding.UTF8.GetBytes("{\"backupId\":\"20261124T101500Z-ab12cd\",\"bytes\":1234}");

        await store.PutAsync("20261124T101500Z-ab12cd/manifest.json", new MemoryStream(payload), CancellationToken.None);

        await using var stream = await store.OpenReadAsync("20261124T101500Z-ab12cd/manifest.json", CancellationToken.None);
        Assert.Equal(payload.Length, stream.Length);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(payload, copy.ToArray());

        // The object sits under the location's prefix in the bucket.
        var direct = await _bucket.Client.GetObjectMetadataAsync(_bucket.Name, "small/20261124T101500Z-ab12cd/manifest.json");
        Assert.Equal(payload.Length, direct.ContentLength);
    }

    [Fact]
    public async Task Put_EmptyStream_StoresAnEmptyObject()
    {
        using var store = S3TestStores.Open(_bucket, "empty");

        await store.PutAsync("nothing.bin", new MemoryStream(), CancellationToken.None);

        Assert.Empty(await S3TestStores.ReadAllAsync(store, "nothing.bin"));
        Assert.Equal(["nothing.bin"], await S3TestStores.ListAllAsync(store));
    }

    [Fact]
    public async Task Put_StreamLongerThanOnePart_IsUploadedInPartsAndReadsBackIntact()
    {
        using var store = S3TestStores.Open(_bucket, "multipart", partSizeMiB: 5);
        var source = new GeneratedStream((12L * OneMiB) + 7);

        await store.PutAsync("b1/payload.dump", source, CancellationToken.None);

        Assert.Equal(source.Sha256(), await S3TestStores.Sha256Async(store, "b1/payload.dump"));
        // A multipart object's ETag ends in "-<parts>": 5 MiB + 5 MiB + 2 MiB.
        var metadata = await _bucket.Client.GetObjectMetadataAsync(_bucket.Name, "multipart/b1/payload.dump");
        Assert.EndsWith("-3\"", metadata.ETag, StringComparison.Ordinal);
        Assert.Equal((12L * OneMiB) + 7, metadata.ContentLength);
        Assert.Equal(0, await S3TestStores.PendingUploadsAsync(_bucket, "multipart/"));
    }

    [Fact]
    public async Task Put_ExistingName_ReplacesTheObject()
    {
        using var store = S3TestStores.Open(_bucket, "overwrite");
        await store.PutAsync("manifest.json", new MemoryStream("first version, longer"u8.ToArray()), CancellationToken.None);

        await store.PutAsync("manifest.json", new MemoryStream("second"u8.ToArray()), CancellationToken.None);

        Assert.Equal("second"u8.ToArray(), await S3TestStores.ReadAllAsync(store, "manifest.json"));
        Assert.Equal(["manifest.json"], await S3TestStores.ListAllAsync(store));
    }

    [Fact]
    public async Task List_ReturnsNamesRelativeToTheLocationPrefix_InOrdinalOrder()
    {
        using var store = S3TestStores.Open(_bucket, "team/warden");
        foreach (var name in new[] { "b2/payload.dump", "b1/manifest.json", "b10/manifest.json", "b1/payload.dump" })
        {
            await store.PutAsync(name, new MemoryStream([1, 2, 3]), CancellationToken.None);
        }

        // Neighbours that share the prefix's characters but not the folder must not show up.
        await _bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket.Name, Key = "team/wardenx/b1/manifest.json", ContentBody = "x" });
        await _bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket.Name, Key = "team/other.json", ContentBody = "x" });

        Assert.Equal(
            ["b1/manifest.json", "b1/payload.dump", "b10/manifest.json", "b2/payload.dump"],
            await S3TestStores.ListAllAsync(store));
        Assert.Equal(["b1/manifest.json", "b1/payload.dump"], await S3TestStores.ListAllAsync(store, "b1/"));
        Assert.Equal(["b1/manifest.json", "b1/payload.dump", "b10/manifest.json"], await S3TestStores.ListAllAsync(store, "b1"));
        Assert.Empty(await S3TestStores.ListAllAsync(store, "b3/"));
    }

    [Fact]
    public async Task List_MoreNamesThanOnePage_ReturnsEveryNameOnce()
    {
        // The server returns at most 1,000 keys per page; 1,050 need two pages and a continuation token.
        const int count = 1_050;
        using var store = S3TestStores.Open(_bucket, "paged");
        var names = Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"b{i:D5}/manifest.json")).ToArray();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            names,
            new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (name, ct) => await store.PutAsync(name, new MemoryStream([42]), ct));
        var putSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var listed = await S3TestStores.ListAllAsync(store);
        var listSeconds = watch.Elapsed.TotalSeconds;

        Assert.Equal(names.Order(StringComparer.Ordinal), listed);
        _output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{count} one-byte objects: put in {putSeconds:F2} s (16 concurrent), listed in {listSeconds:F2} s"));
    }

    [Fact]
    public async Task Delete_RemovesTheObject_AndAMissingObjectIsNotAnError()
    {
        using var store = S3TestStores.Open(_bucket, "delete");
        await store.PutAsync("b1/manifest.json", new MemoryStream([1]), CancellationToken.None);
        await store.PutAsync("b1/payload.dump", new MemoryStream([2]), CancellationToken.None);

        await store.DeleteAsync("b1/manifest.json", CancellationToken.None);
        await store.DeleteAsync("b1/manifest.json", CancellationToken.None);
        await store.DeleteAsync("never/existed", CancellationToken.None);

        Assert.Equal(["b1/payload.dump"], await S3TestStores.ListAllAsync(store));
        await Assert.ThrowsAsync<BackupObjectNotFoundException>(() => store.OpenReadAsync("b1/manifest.json", CancellationToken.None));
    }

    [Fact]
    public async Task OpenRead_MissingObject_ThrowsBackupObjectNotFound()
    {
        using var store = S3TestStores.Open(_bucket, "missing");

        var ex = await Assert.ThrowsAsync<BackupObjectNotFoundException>(() => store.OpenReadAsync("b9/manifest.json", CancellationToken.None));

        Assert.Contains("b9/manifest.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains(store.Location, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_SourceFailsMidway_LeavesNoObjectAndNoPendingUpload()
    {
        using var store = S3TestStores.Open(_bucket, "broken", partSizeMiB: 5);
        var pendingWhileUploading = -1;
        var source = new GeneratedStream(64L * OneMiB)
        {
            FailAt = 12L * OneMiB,
            CallbackEvery = 11L * OneMiB,
            // Two parts are on the server by now: the upload really was under way when the source broke.
            OnProgress = async _ => pendingWhileUploading = await S3TestStores.PendingUploadsAsync(_bucket, "broken/"),
        };

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutAsync("b1/payload.dump", source, CancellationToken.None));

        Assert.Equal(GeneratedStream.SourceFailure.Message, ex.Message);
        Assert.Equal(1, pendingWhileUploading);
        Assert.Equal(0, await S3TestStores.PendingUploadsAsync(_bucket, "broken/"));
        Assert.Empty(await S3TestStores.ListAllAsync(store));
        await Assert.ThrowsAsync<BackupObjectNotFoundException>(() => store.OpenReadAsync("b1/payload.dump", CancellationToken.None));
    }

    [Fact]
    public async Task Put_CancelledMidway_LeavesNoObjectAndNoPendingUpload()
    {
        using var store = S3TestStores.Open(_bucket, "cancelled", partSizeMiB: 5);
        using var cancellation = new CancellationTokenSource();
        var source = new GeneratedStream(64L * OneMiB)
        {
            CallbackEvery = 11L * OneMiB,
            OnProgress = _ =>
            {
                cancellation.Cancel();
                return ValueTask.CompletedTask;
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutAsync("b1/payload.dump", source, cancellation.Token));

        Assert.Equal(0, await S3TestStores.PendingUploadsAsync(_bucket, "cancelled/"));
        Assert.Empty(await S3TestStores.ListAllAsync(store));
    }

    [Fact]
    public async Task Put_SourceFailsWithinTheFirstPart_WritesNothing()
    {
        using var store = S3TestStores.Open(_bucket, "broken-small");
        var source = new GeneratedStream(OneMiB) { FailAt = 1000 };

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutAsync("manifest.json", source, CancellationToken.None));

        Assert.Empty(await S3TestStores.ListAllAsync(store));
        Assert.Equal(0, await S3TestStores.PendingUploadsAsync(_bucket, "broken-small/"));
    }

    [Fact]
    public async Task Put_FailedReplacement_KeepsThePreviousObject()
    {
        using var store = S3TestStores.Open(_bucket, "replace-broken", partSizeMiB: 5);
        await store.PutAsync("b1/payload.dump", new MemoryStream("previous"u8.ToArray()), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.PutAsync("b1/payload.dump", new GeneratedStream(20L * OneMiB) { FailAt = 11L * OneMiB }, CancellationToken.None));

        Assert.Equal("previous"u8.ToArray(), await S3TestStores.ReadAllAsync(store, "b1/payload.dump"));
    }

    [Fact]
    public async Task CorruptedObject_IsDetectedByItsSha256()
    {
        using var store = S3TestStores.Open(_bucket, "corrupt");
        var source = new GeneratedStream(3L * OneMiB);
        await store.PutAsync("b1/payload.dump", source, CancellationToken.None);
        var recorded = source.Sha256();
        Assert.Equal(recorded, await S3TestStores.Sha256Async(store, "b1/payload.dump"));

        // Out of band, past the store: one byte in the middle flipped, the size unchanged.
        byte[] bytes;
        using (var original = await _bucket.Client.GetObjectAsync(_bucket.Name, "corrupt/b1/payload.dump"))
        using (var copy = new MemoryStream())
        {
            await original.ResponseStream.CopyToAsync(copy);
            bytes = copy.ToArray();
        }

        bytes[bytes.Length / 2] ^= 0x01;
        await _bucket.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket.Name,
            Key = "corrupt/b1/payload.dump",
            InputStream = new MemoryStream(bytes),
            UseChunkEncoding = false,
        });

        await using var tampered = await store.OpenReadAsync("b1/payload.dump", CancellationToken.None);
        Assert.Equal(3L * OneMiB, tampered.Length);
        Assert.NotEqual(recorded, await SHA256.HashDataAsync(tampered));
    }
}
