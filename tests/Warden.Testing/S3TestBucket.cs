using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Warden.Testing;

/// <summary>
/// A fresh, uniquely named bucket on the suite's S3-compatible server (<c>WARDEN_TEST_S3_*</c>), emptied and deleted
/// on dispose. Use as an xunit class fixture so each test class gets its own bucket. <see cref="Client"/> reaches the
/// bucket directly, past the code under test (to look at or tamper with objects out of band).
/// </summary>
public sealed class S3TestBucket : IAsyncLifetime
{
    /// <summary>The bucket's name (<c>warden-test-…</c>).</summary>
    public string Name { get; } = $"warden-test-{Guid.NewGuid():N}";

    /// <summary>The server's service URL.</summary>
    public string Endpoint { get; } = TestEnvironment.S3Endpoint;

    /// <summary>Access key id of the test user.</summary>
    public string AccessKey { get; } = TestEnvironment.S3AccessKey;

    /// <summary>Secret access key of the test user.</summary>
    public string SecretKey { get; } = TestEnvironment.S3SecretKey;

    /// <summary>A client for the server with the test user's credentials (valid after <see cref="InitializeAsync"/>).</summary>
    public AmazonS3Client Client { get; private set; } = null!;

    /// <summary>A client configuration that works with the server: path-style, no CRC trailers.</summary>
    public static AmazonS3Config ClientConfig(string endpoint) => new()
    {
        ServiceURL = endpoint,
        AuthenticationRegion = "us-east-1",
        ForcePathStyle = true,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    };

    public async Task InitializeAsync()
    {
        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), ClientConfig(Endpoint));
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = Name });
    }

    public async Task DisposeAsync()
    {
        try
        {
            var uploads = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Name });
            foreach (var upload in uploads.MultipartUploads ?? [])
            {
                await Client.AbortMultipartUploadAsync(Name, upload.Key, upload.UploadId);
            }

            var request = new ListObjectsV2Request { BucketName = Name };
            while (true)
            {
                var page = await Client.ListObjectsV2Async(request);
                var keys = (page.S3Objects ?? []).Select(o => new KeyVersion { Key = o.Key }).ToList();
                if (keys.Count > 0)
                {
                    await Client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = Name, Objects = keys, Quiet = true });
                }

                if (page.IsTruncated != true)
                {
                    break;
                }

                request.ContinuationToken = page.NextContinuationToken;
            }

            await Client.DeleteBucketAsync(Name);
        }
        finally
        {
            Client.Dispose();
        }
    }
}
