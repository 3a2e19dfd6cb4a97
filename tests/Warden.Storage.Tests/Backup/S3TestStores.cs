using System.Security.Cryptography;
using Warden.Storage.Backup;
using Warden.Testing;

namespace Warden.Storage.Tests.Backup;

/// <summary>Stores on the test bucket, and reading helpers.</summary>
internal static class S3TestStores
{
    public static S3BackupOptions Options(S3TestBucket bucket, int partSizeMiB = S3BackupOptions.DefaultPartSizeMiB) => new()
    {
        Endpoint = bucket.Endpoint,
        AccessKeyId = bucket.AccessKey,
        SecretAccessKey = bucket.SecretKey,
        PartSizeMiB = partSizeMiB,
    };

    public static S3BackupStore Open(S3TestBucket bucket, string prefix = "", int partSizeMiB = S3BackupOptions.DefaultPartSizeMiB) =>
        S3BackupStore.Create(new Uri($"s3://{bucket.Name}/{prefix}"), Options(bucket, partSizeMiB));

    public static async Task<byte[]> ReadAllAsync(IBackupStore store, string name)
    {
        await using var stream = await store.OpenReadAsync(name, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public static async Task<byte[]> Sha256Async(IBackupStore store, string name)
    {
        await using var stream = await store.OpenReadAsync(name, CancellationToken.None);
        return await SHA256.HashDataAsync(stream);
    }

    public static async Task<List<string>> ListAllAsync(IBackupStore store, string prefix = "")
    {
        var names = new List<string>();
        await foreach (var name in store.ListAsync(prefix, CancellationToken.None))
        {
            names.Add(name);
        }

        return names;
    }

    public static async Task<int> PendingUploadsAsync(S3TestBucket bucket, string keyPrefix)
    {
        var uploads = await bucket.Client.ListMultipartUploadsAsync(
            new Amazon.S3.Model.ListMultipartUploadsRequest { BucketName = bucket.Name, Prefix = keyPrefix });
        return uploads.MultipartUploads?.Count ?? 0;
    }
}
