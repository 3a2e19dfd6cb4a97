using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Warden.Storage.Backup;

/// <summary>
/// Backups in an S3-compatible bucket (<c>s3://bucket/optional/prefix</c>): AWS S3, Ceph RADOS Gateway, MinIO and
/// the like. Object names are relative to the prefix. Uploads stream: an object up to one part
/// (<see cref="S3BackupOptions.PartSizeMiB"/>) goes up in one PutObject, a larger one as a multipart upload that
/// holds one part in memory at a time and is aborted when anything fails, so no partial object ever becomes visible.
/// </summary>
public sealed class S3BackupStore : IBackupStore, IDisposable
{
    /// <summary>The URI scheme of S3 locations.</summary>
    public const string Scheme = "s3";

    // S3 refuses more parts than this in one multipart upload.
    private const int MaxParts = 10_000;

    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly int _partSize;
    private readonly string _endpointDisplay;
    private readonly ILogger _logger;

    private S3BackupStore(IAmazonS3 client, string bucket, string prefix, int partSize, string endpointDisplay, ILogger logger)
    {
        _client = client;
        _bucket = bucket;
        _prefix = prefix;
        _partSize = partSize;
        _endpointDisplay = endpointDisplay;
        _logger = logger;
        Location = prefix.Length == 0 ? $"s3://{bucket}" : $"s3://{bucket}/{prefix.TrimEnd('/')}";
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <summary>The bucket the store writes to.</summary>
    public string Bucket => _bucket;

    /// <summary>The key prefix every object name is put under ("" or ending in <c>/</c>).</summary>
    public string KeyPrefix => _prefix;

    /// <summary>
    /// Opens the store at <paramref name="location"/> (<c>s3://bucket/optional/prefix</c>). Nothing is contacted
    /// yet: a missing bucket, bad credentials or an unreachable endpoint show up as
    /// <see cref="S3BackupStoreException"/> on the first operation.
    /// </summary>
    /// <exception cref="ArgumentException">The location or the options cannot work (the message says why).</exception>
    public static S3BackupStore Create(Uri location, S3BackupOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        var (bucket, prefix) = ParseLocation(location);
        S3BackupOptionsValidator.ThrowIfInvalid(options);

        var config = new AmazonS3Config
        {
            ForcePathStyle = options.UsesPathStyle,
            // The SDK's default since v4 adds a CRC trailer to every upload (an aws-chunked body); S3-compatible
            // servers do not all understand it (Ceph RGW 16 answers 400 XAmzContentSHA256Mismatch). Integrity does not
            // depend on it: every request body is signed with its SHA-256, which the server checks (see PutAsync).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };

        string endpointDisplay;
        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
            endpointDisplay = $"AWS S3 ({options.Region})";
        }
        else
        {
            config.ServiceURL = options.Endpoint;
            config.AuthenticationRegion = options.Region;
            endpointDisplay = new Uri(options.Endpoint).GetLeftPart(UriPartial.Authority);
        }

        AmazonS3Client client;
        if (!string.IsNullOrEmpty(options.AccessKeyId))
        {
            AWSCredentials credentials = string.IsNullOrEmpty(options.SessionToken)
                ? new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey)
                : new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken);
            client = new AmazonS3Client(credentials, config);
        }
        else
        {
            // The SDK's standard chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, web identity
            // (Kubernetes service-account roles), profiles, container and instance credentials.
            client = new AmazonS3Client(config);
        }

        return new S3BackupStore(
            client,
            bucket,
            prefix,
            options.PartSizeMiB * 1024 * 1024,
            endpointDisplay,
            logger ?? NullLogger.Instance);
    }

    /// <summary>
    /// Splits <c>s3://bucket/optional/prefix</c> into the bucket and the key prefix ("" or ending in <c>/</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Not an S3 location, or it carries credentials, a query or a fragment.</exception>
    public static (string Bucket, string Prefix) ParseLocation(Uri location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!location.IsAbsoluteUri || !string.Equals(location.Scheme, Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("An S3 backup location looks like s3://bucket or s3://bucket/prefix.", nameof(location));
        }

        if (!string.IsNullOrEmpty(location.UserInfo))
        {
            // Never echo the location: the user-info part is where someone would have put a secret.
            throw new ArgumentException(
                "An S3 backup location must not carry credentials; configure Backup:S3:AccessKeyId and Backup:S3:SecretAccessKey (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) instead.",
                nameof(location));
        }

        if (!string.IsNullOrEmpty(location.Query) || !string.IsNullOrEmpty(location.Fragment) || !location.IsDefaultPort)
        {
            throw new ArgumentException(
                $"The S3 backup location '{location}' must be s3://bucket/prefix without a port, query or fragment; set the server with Backup:S3:Endpoint.",
                nameof(location));
        }

        // Uri lower-cases the host and folds '.' and '..' out of the path; S3 bucket names and keys are case-sensitive
        // and literal, so look at what was typed.
        var typed = location.OriginalString.Length > Scheme.Length + 3 ? location.OriginalString[(Scheme.Length + 3)..] : "";
        var slash = typed.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? typed : typed[..slash];
        var typedPath = slash < 0 ? "" : typed[slash..];
        if (!IsBucketName(bucket))
        {
            throw new ArgumentException(
                $"'{bucket}' is not a valid S3 bucket name (3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit).",
                nameof(location));
        }

        var path = Uri.UnescapeDataString(typedPath).Trim('/');
        if (path.Length > 0)
        {
            foreach (var segment in path.Split('/'))
            {
                if (segment.Length == 0 || segment == "." || segment == "..")
                {
                    throw new ArgumentException(
                        $"The prefix of the S3 backup location '{location}' has an empty, '.' or '..' segment.",
                        nameof(location));
                }
            }

            path += "/";
        }

        return (bucket, path);
    }

    /// <inheritdoc />
    public async Task PutAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var key = KeyFor(name);

        // One part-sized buffer, filled from the source and sent, again and again: memory stays at one part
        // whatever the object's size. What it held is cleared before it goes back to the pool: backup data.
        var buffer = ArrayPool<byte>.Shared.Rent(_partSize);
        var used = _partSize;
        try
        {
            var length = await FillAsync(content, buffer, _partSize, cancellationToken).ConfigureAwait(false);
            if (length < _partSize)
            {
                await PutSingleAsync(name, key, buffer, length, cancellationToken).ConfigureAwait(false);
                used = length;
                S3BackupLog.ObjectStored(_logger, name, Location, length, 1);
                return;
            }

            await PutMultipartAsync(name, key, content, buffer, length, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Small objects (manifests) only touched the start of the buffer; after a failure, clear all of it.
            buffer.AsSpan(0, used).Clear();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        var key = KeyFor(name);
        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(_bucket, key, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey"
            || (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket"))
        {
            throw new BackupObjectNotFoundException($"{Location} has no object '{name}'.", ex);
        }
        catch (Exception ex) when (Translate(ex, "read", name, cancellationToken) is { } translated)
        {
            throw translated;
        }

        return new S3ObjectReadStream(response);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.StartsWith('/') || prefix.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The prefix '{prefix}' must be relative and use '/' as separator.", nameof(prefix));
        }

        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix + prefix };
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Translate(ex, "list", prefix, cancellationToken) is { } translated)
            {
                throw translated;
            }

            // S3 lists keys in ascending UTF-8 byte order, which is ordinal order for the ASCII names backups use.
            foreach (var item in page.S3Objects ?? [])
            {
                yield return item.Key[_prefix.Length..];
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var key = KeyFor(name);
        try
        {
            // S3 answers 204 for a key that does not exist, which is what the contract asks for.
            await _client.DeleteObjectAsync(_bucket, key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, "delete", name, cancellationToken) is { } translated)
        {
            throw translated;
        }

        S3BackupLog.ObjectDeleted(_logger, name, Location);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async Task PutSingleAsync(string name, string key, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            InputStream = new MemoryStream(buffer, 0, length, writable: false),
            ContentType = "application/octet-stream",
            // A plain body signed with its SHA-256 (the buffer is in memory anyway) rather than aws-chunked
            // signing, which not every S3-compatible server supports.
            UseChunkEncoding = false,
        };
        try
        {
            await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, "write", name, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private async Task PutMultipartAsync(string name, string key, Stream content, byte[] buffer, int firstLength, CancellationToken cancellationToken)
    {
        string uploadId;
        try
        {
            var initiated = await _client.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key, ContentType = "application/octet-stream" },
                cancellationToken).ConfigureAwait(false);
            uploadId = initiated.UploadId;
        }
        catch (Exception ex) when (Translate(ex, "write", name, cancellationToken) is { } translated)
        {
            throw translated;
        }

        var parts = new List<PartETag>();
        long total = 0;
        try
        {
            var length = firstLength;
            while (length > 0)
            {
                var partNumber = parts.Count + 1;
                if (partNumber > MaxParts)
                {
                    throw new S3BackupStoreException(
                        S3BackupFailure.ObjectTooLarge,
                        $"'{name}' needs more than {MaxParts:N0} parts of {_partSize / (1024 * 1024)} MiB; raise Backup:S3:PartSizeMiB.",
                        null);
                }

                UploadPartResponse uploaded;
                try
                {
                    uploaded = await _client.UploadPartAsync(
                        new UploadPartRequest
                        {
                            BucketName = _bucket,
                            Key = key,
                            UploadId = uploadId,
                            PartNumber = partNumber,
                            InputStream = new MemoryStream(buffer, 0, length, writable: false),
                            PartSize = length,
                            UseChunkEncoding = false,
                        },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (Translate(ex, "write", name, cancellationToken) is { } translated)
                {
                    throw translated;
                }

                parts.Add(new PartETag(partNumber, uploaded.ETag));
                total += length;
                length = length < _partSize ? 0 : await FillAsync(content, buffer, _partSize, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await _client.CompleteMultipartUploadAsync(
                    new CompleteMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = uploadId, PartETags = parts },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Translate(ex, "write", name, cancellationToken) is { } translated)
            {
                throw translated;
            }
        }
        catch (Exception)
        {
            // Whatever failed (the source stream, the server, cancellation), the parts sent so far must not linger:
            // abort, without the caller's token, which may be the reason we are here.
            await AbortAsync(name, key, uploadId).ConfigureAwait(false);
            S3BackupLog.UploadAborted(_logger, name, Location, total);
            throw;
        }

        S3BackupLog.ObjectStored(_logger, name, Location, total, parts.Count);
    }

    private async Task AbortAsync(string name, string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = uploadId },
                timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException)
        {
            S3BackupLog.UploadAbortFailed(_logger, ex, uploadId, name, Location);
        }
    }

    private static async Task<int> FillAsync(Stream source, byte[] buffer, int size, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < size)
        {
            var read = await source.ReadAsync(buffer.AsMemory(filled, size - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    /// <summary>
    /// Turns an SDK or network failure into an <see cref="S3BackupStoreException"/> that says what to check, or
    /// null for exceptions that should pass unchanged (the caller's cancellation).
    /// </summary>
    private S3BackupStoreException? Translate(Exception exception, string operation, string name, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        if (exception is S3BackupStoreException)
        {
            return null;
        }

        var what = $"Could not {operation} '{name}' in {Location} at {_endpointDisplay}";
        if (exception is AmazonS3Exception s3)
        {
            switch (s3.ErrorCode)
            {
                case "NoSuchBucket":
                    return new S3BackupStoreException(
                        S3BackupFailure.BucketNotFound,
                        $"{what}: the bucket '{_bucket}' does not exist. Create it, or correct the backup location.",
                        exception);
                case "AccessDenied":
                case "AllAccessDisabled":
                case "InvalidAccessKeyId":
                case "SignatureDoesNotMatch":
                case "InvalidToken":
                case "ExpiredToken":
                case "TokenRefreshRequired":
                    return new S3BackupStoreException(
                        S3BackupFailure.AccessDenied,
                        $"{what}: access denied ({s3.ErrorCode}). Check the access key id and secret (Backup:S3:AccessKeyId / Backup:S3:SecretAccessKey, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) and the user's permissions on the bucket.",
                        exception);
                default:
                    if (s3.StatusCode == HttpStatusCode.Forbidden)
                    {
                        goto case "AccessDenied";
                    }

                    if (IsUnreachable(exception))
                    {
                        break;
                    }

                    return new S3BackupStoreException(
                        S3BackupFailure.Other,
                        string.IsNullOrWhiteSpace(s3.Message)
                            ? $"{what}: the server answered {(int)s3.StatusCode} {s3.ErrorCode}."
                            : $"{what}: the server answered {(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}",
                        exception);
            }
        }

        if (IsUnreachable(exception))
        {
            return new S3BackupStoreException(
                S3BackupFailure.EndpointUnreachable,
                $"{what}: the endpoint cannot be reached ({Innermost(exception).Message}). Check Backup:S3:Endpoint and the network.",
                exception);
        }

        if (exception is AmazonClientException client && client.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase))
        {
            return new S3BackupStoreException(
                S3BackupFailure.CredentialsMissing,
                $"{what}: no credentials. Set Backup:S3:AccessKeyId and Backup:S3:SecretAccessKey, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
                exception);
        }

        if (exception is AmazonServiceException or AmazonClientException)
        {
            return new S3BackupStoreException(S3BackupFailure.Other, $"{what}: {exception.Message}", exception);
        }

        return null;
    }

    private static bool IsUnreachable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or SocketException or TimeoutException
                || (current is TaskCanceledException && current.InnerException is TimeoutException))
            {
                return true;
            }
        }

        return false;
    }

    private static Exception Innermost(Exception exception)
    {
        var current = exception;
        while (current.InnerException is not null)
        {
            current = current.InnerException;
        }

        return current;
    }

    private string KeyFor(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.StartsWith('/') || name.EndsWith('/') || name.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The object name '{name}' must be relative, use '/' as separator and not end with '/'.", nameof(name));
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new ArgumentException($"The object name '{name}' has an empty, '.' or '..' segment.", nameof(name));
            }
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException("An object name must not contain control characters.", nameof(name));
            }
        }

        return _prefix + name;
    }

    private static bool IsBucketName(string bucket)
    {
        if (bucket.Length is < 3 or > 63 || !char.IsAsciiLetterLower(bucket[0]) && !char.IsAsciiDigit(bucket[0]))
        {
            return false;
        }

        var last = bucket[^1];
        if (!char.IsAsciiLetterLower(last) && !char.IsAsciiDigit(last))
        {
            return false;
        }

        foreach (var c in bucket)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '.' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
