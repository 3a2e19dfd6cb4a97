namespace Warden.Storage.Backup;

/// <summary>
/// How to reach an S3-compatible object store (AWS S3, Ceph RADOS Gateway, MinIO…). Bound from <c>Backup:S3:*</c>;
/// the bucket and key prefix come from the backup location (<c>s3://bucket/prefix</c>), not from here.
/// </summary>
public sealed class S3BackupOptions
{
    /// <summary>The default region, also used for signing requests to S3-compatible servers that ignore regions.</summary>
    public const string DefaultRegion = "us-east-1";

    /// <summary>The default size of one multipart-upload part.</summary>
    public const int DefaultPartSizeMiB = 16;

    /// <summary>The smallest part S3 accepts (every part but the last).</summary>
    public const int MinimumPartSizeMiB = 5;

    /// <summary>
    /// The largest part size allowed here: one part is held in memory while it uploads, so this bounds the memory an
    /// upload uses.
    /// </summary>
    public const int MaximumPartSizeMiB = 512;

    /// <summary>
    /// The service URL of an S3-compatible server (<c>https://rgw.example.internal</c>, <c>http://127.0.0.1:7480</c>).
    /// Empty for AWS S3, whose endpoint follows from <see cref="Region"/>.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The region (AWS) or signing region (S3-compatible servers).</summary>
    public string Region { get; set; } = DefaultRegion;

    /// <summary>
    /// Path-style addressing (<c>http://host/bucket/key</c>) instead of virtual hosts (<c>http://bucket.host/key</c>).
    /// Unset: on when <see cref="Endpoint"/> is set (most S3-compatible servers need it), off for AWS S3.
    /// </summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>
    /// The access key id. Unset: the AWS SDK's standard credential chain (the <c>AWS_ACCESS_KEY_ID</c>,
    /// <c>AWS_SECRET_ACCESS_KEY</c> and <c>AWS_SESSION_TOKEN</c> environment variables, then web identity, profile,
    /// container and instance credentials).
    /// </summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key that goes with <see cref="AccessKeyId"/>. Never logged or shown.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>A session token for temporary credentials (optional). Never logged or shown.</summary>
    public string? SessionToken { get; set; }

    /// <summary>
    /// The size of one multipart-upload part in MiB (<see cref="MinimumPartSizeMiB"/>..<see cref="MaximumPartSizeMiB"/>).
    /// Objects up to this size go up in one request; larger ones in parts of this size (at most 10,000 parts).
    /// </summary>
    public int PartSizeMiB { get; set; } = DefaultPartSizeMiB;

    /// <summary>Whether requests use path-style addressing (see <see cref="ForcePathStyle"/>).</summary>
    public bool UsesPathStyle => ForcePathStyle ?? !string.IsNullOrWhiteSpace(Endpoint);
}
