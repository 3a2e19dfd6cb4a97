using System.Diagnostics;
using System.Globalization;
using Warden.Storage.Backup;
using Warden.Testing;
using Xunit.Abstractions;

namespace Warden.Storage.Tests.Backup;

/// <summary>
/// What an operator sees when the S3 store is misconfigured or down: a classified <see cref="S3BackupStoreException"/>
/// naming the location and what to check, never the secret.
/// </summary>
public sealed class S3BackupStoreErrorTests : IClassFixture<S3TestBucket>
{
    private readonly S3TestBucket _bucket;
    private readonly ITestOutputHelper _output;

    public S3BackupStoreErrorTests(S3TestBucket bucket, ITestOutputHelper output)
    {
        _bucket = bucket;
        _output = output;
    }

    [Fact]
    public async Task WrongSecret_EveryOperation_ThrowsAccessDeniedWithoutTheSecret()
    {
        var secret = "wrong-secret-" + Guid.NewGuid().ToString("N");
        var options = S3TestStores.Options(_bucket);
        options.SecretAccessKey = secret;
        using var store = S3BackupStore.Create(new Uri($"s3://{_bucket.Name}/denied"), options);

        var put = await Assert.ThrowsAsync<S3BackupStoreException>(() => store.PutAsync("m.json", new MemoryStream([1]), CancellationToken.None));
        var read = await Assert.ThrowsAsync<S3BackupStoreException>(() => store.OpenReadAsync("m.json", CancellationToken.None));
        var list = await Assert.ThrowsAsync<S3BackupStoreException>(() => S3TestStores.ListAllAsync(store));
        var delete = await Assert.ThrowsAsync<S3BackupStoreException>(() => store.DeleteAsync("m.json", CancellationToken.None));

        foreach (var ex in new[] { put, read, list, delete })
        {
            Assert.Equal(S3BackupFailure.AccessDenied, ex.Failure);
            Assert.Contains("access denied", ex.Message, StringComparison.Ordinal);
            Assert.Contains("Backup:S3:SecretAccessKey", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, ex.ToString(), StringComparison.Ordinal);
        }

        _output.WriteLine(put.Message);
    }

    [Fact]
    public async Task UnknownAccessKey_ThrowsAccessDenied()
    {
        var options = S3TestStores.Options(_bucket);
        options.AccessKeyId = "WARDENUNKNOWNKEY0000";
        using var store = S3BackupStore.Create(new Uri($"s3://{_bucket.Name}"), options);

        var ex = await Assert.ThrowsAsync<S3BackupStoreException>(() => store.PutAsync("m.json", new MemoryStream([1]), CancellationToken.None));

        Assert.Equal(S3BackupFailure.AccessDenied, ex.Failure);
        Assert.Contains("InvalidAccessKeyId", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_bucket.SecretKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingBucket_EveryOperation_ThrowsBucketNotFound()
    {
        var missing = $"warden-missing-{Guid.NewGuid():N}";
        using var store = S3BackupStore.Create(new Uri($"s3://{missing}/prefix"), S3TestStores.Options(_bucket));

        var put = await Assert.ThrowsAsync<S3BackupStoreException>(() => store.PutAsync("m.json", new MemoryStream([1]), CancellationToken.None));
        // Not "object not found": a verify or restore must not report a missing bucket as a missing backup.
        var read = await Assert.ThrowsAsync<S3BackupStoreException>(() => store.OpenReadAsync("m.json", CancellationToken.None));
        var list = await Assert.ThrowsAsync<S3BackupStoreException>(() => S3TestStores.ListAllAsync(store));

        foreach (var ex in new[] { put, read, list })
        {
            Assert.Equal(S3BackupFailure.BucketNotFound, ex.Failure);
            Assert.Contains($"the bucket '{missing}' does not exist", ex.Message, StringComparison.Ordinal);
        }

        _output.WriteLine(put.Message);
    }

    [Fact]
    public async Task EndpointDown_ThrowsEndpointUnreachableNamingTheEndpoint()
    {
        var port = FreePort.Next();
        var options = S3TestStores.Options(_bucket);
        options.Endpoint = $"http://127.0.0.1:{port}";
        using var store = S3BackupStore.Create(new Uri($"s3://{_bucket.Name}/prefix"), options);

        var watch = Stopwatch.StartNew();
        var put = await Assert.ThrowsAsync<S3BackupStoreException>(() => store.PutAsync("m.json", new MemoryStream([1]), CancellationToken.None));
        var putSeconds = watch.Elapsed.TotalSeconds;
        var list = await Assert.ThrowsAsync<S3BackupStoreException>(() => S3TestStores.ListAllAsync(store));

        foreach (var ex in new[] { put, list })
        {
            Assert.Equal(S3BackupFailure.EndpointUnreachable, ex.Failure);
            Assert.Contains($"http://127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
            Assert.Contains("cannot be reached", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(_bucket.SecretKey, ex.ToString(), StringComparison.Ordinal);
        }

        _output.WriteLine(put.Message);
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"connection refused reported after {putSeconds:F2} s (SDK retries included)"));
    }

    [Fact]
    public async Task Location_NeverShowsCredentials()
    {
        using var store = S3BackupStore.Create(new Uri($"s3://{_bucket.Name}/team/warden/"), S3TestStores.Options(_bucket));

        Assert.Equal($"s3://{_bucket.Name}/team/warden", store.Location);
        Assert.DoesNotContain(_bucket.SecretKey, store.Location, StringComparison.Ordinal);
        Assert.DoesNotContain(_bucket.AccessKey, store.Location, StringComparison.Ordinal);
        await store.PutAsync("x", new MemoryStream([1]), CancellationToken.None);
        Assert.Equal(["x"], await S3TestStores.ListAllAsync(store));
    }

    [Fact]
    public async Task NoCredentialSettings_FailClearlyWithoutCredentials_ThenUseTheAwsEnvironmentVariables()
    {
        // One test for both halves, in this order: the SDK may cache what its credential chain found, and no other
        // test relies on that chain (they all pass keys explicitly), so the variables set here cannot leak.
        Assert.Null(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"));
        Assert.Null(Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"));
        var location = new Uri($"s3://{_bucket.Name}/from-environment");
        var options = new S3BackupOptions { Endpoint = _bucket.Endpoint };

        using (var store = S3BackupStore.Create(location, options))
        {
            var watch = Stopwatch.StartNew();
            var ex = await Assert.ThrowsAsync<S3BackupStoreException>(() => store.PutAsync("m.json", new MemoryStream([1]), CancellationToken.None));

            Assert.Equal(S3BackupFailure.CredentialsMissing, ex.Failure);
            Assert.Contains("AWS_ACCESS_KEY_ID", ex.Message, StringComparison.Ordinal);
            _output.WriteLine(ex.Message);
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reported after {watch.Elapsed.TotalSeconds:F2} s (the SDK's chain ends with the instance-metadata probe)"));
        }

        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", _bucket.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", _bucket.SecretKey);
        try
        {
            using var store = S3BackupStore.Create(location, options);

            await store.PutAsync("m.json", new MemoryStream([7]), CancellationToken.None);

            Assert.Equal(new byte[] { 7 }, await S3TestStores.ReadAllAsync(store, "m.json"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", null);
        }
    }
}
