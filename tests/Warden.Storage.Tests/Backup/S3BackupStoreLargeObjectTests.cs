using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Warden.Storage.Backup;
using Warden.Testing;
using Xunit.Abstractions;

namespace Warden.Storage.Tests.Backup;

/// <summary>Runs alone: it measures the process's live managed heap, which tests running in parallel would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class S3LargeObjectCollection
{
    public const string Name = "S3 large object";
}

/// <summary>
/// A 64 MiB object of unknown length streamed up (multipart, 16 MiB parts) and down again: the SHA-256 round-trips
/// and the live managed heap never grows by anything near the object's size. Throughput and heap figures are
/// reported (test output and <c>TestResults/s3-large-object.json</c>), not asserted.
/// </summary>
[Collection(S3LargeObjectCollection.Name)]
public sealed class S3BackupStoreLargeObjectTests : IClassFixture<S3TestBucket>
{
    private const long ObjectBytes = (64L * 1024 * 1024) + 4099;

    // One 16 MiB part buffer plus the SDK's own buffers; a store that held the object would need 64 MiB more.
    private const long MaxLiveHeapGrowthBytes = 40L * 1024 * 1024;
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };
    private readonly S3TestBucket _bucket;
    private readonly ITestOutputHelper _output;

    public S3BackupStoreLargeObjectTests(S3TestBucket bucket, ITestOutputHelper output)
    {
        _bucket = bucket;
        _output = output;
    }

    [Fact]
    public async Task Put_64MiBStreamOfUnknownLength_RoundTripsItsSha256WithoutHoldingTheObject()
    {
        using var store = S3TestStores.Open(_bucket, "large");
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBaseline = Environment.WorkingSet;
        long uploadPeak = 0;
        long workingSetPeak = 0;
        var source = new GeneratedStream(ObjectBytes)
        {
            CallbackEvery = 8L * 1024 * 1024,
            OnProgress = _ =>
            {
                uploadPeak = Math.Max(uploadPeak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                workingSetPeak = Math.Max(workingSetPeak, Environment.WorkingSet - workingSetBaseline);
                return ValueTask.CompletedTask;
            },
        };

        var watch = Stopwatch.StartNew();
        await store.PutAsync("b1/payload.dump", source, CancellationToken.None);
        var uploadSeconds = watch.Elapsed.TotalSeconds;
        var sent = source.Sha256();

        var metadata = await _bucket.Client.GetObjectMetadataAsync(_bucket.Name, "large/b1/payload.dump");
        Assert.Equal(ObjectBytes, metadata.ContentLength);
        Assert.EndsWith("-5\"", metadata.ETag, StringComparison.Ordinal);

        long downloadPeak = 0;
        var buffer = new byte[81920];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        baseline = GC.GetTotalMemory(forceFullCollection: true);
        watch.Restart();
        await using (var stream = await store.OpenReadAsync("b1/payload.dump", CancellationToken.None))
        {
            Assert.Equal(ObjectBytes, stream.Length);
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                var before = total;
                total += read;
                if (before / (8L * 1024 * 1024) != total / (8L * 1024 * 1024))
                {
                    downloadPeak = Math.Max(downloadPeak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                    workingSetPeak = Math.Max(workingSetPeak, Environment.WorkingSet - workingSetBaseline);
                }
            }

            Assert.Equal(ObjectBytes, total);
        }

        var downloadSeconds = watch.Elapsed.TotalSeconds;
        Assert.Equal(sent, hash.GetHashAndReset());
        Assert.InRange(uploadPeak, long.MinValue, MaxLiveHeapGrowthBytes);
        Assert.InRange(downloadPeak, long.MinValue, MaxLiveHeapGrowthBytes);

        var mib = ObjectBytes / (1024.0 * 1024);
        var result = new
        {
            objectBytes = ObjectBytes,
            partSizeMiB = S3BackupOptions.DefaultPartSizeMiB,
            uploadSeconds = Math.Round(uploadSeconds, 3),
            uploadMiBPerSecond = Math.Round(mib / uploadSeconds, 1),
            uploadLiveHeapGrowthPeakMiB = Math.Round(uploadPeak / (1024.0 * 1024), 1),
            downloadSeconds = Math.Round(downloadSeconds, 3),
            downloadMiBPerSecond = Math.Round(mib / downloadSeconds, 1),
            downloadLiveHeapGrowthPeakMiB = Math.Round(downloadPeak / (1024.0 * 1024), 1),
            workingSetGrowthPeakMiB = Math.Round(workingSetPeak / (1024.0 * 1024), 1),
            server = "Ceph RADOS Gateway (memstore OSD) on loopback",
        };
        var json = JsonSerializer.Serialize(result, s_indented);
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "s3-large-object.json"), json);
        _output.WriteLine(json);
        _output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"heap: GC.GetTotalMemory(forceFullCollection: true) every 8 MiB against a baseline taken before each transfer; working set: Environment.WorkingSet against the start of the test"));
    }
}
