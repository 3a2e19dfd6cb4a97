using Warden.Storage.Backup;

namespace Warden.Configuration;

/// <summary>
/// Reads the <c>Backup:S3</c> section (<c>Endpoint</c>, <c>Region</c>, <c>ForcePathStyle</c>, <c>AccessKeyId</c>,
/// <c>SecretAccessKey</c>, <c>SessionToken</c>, <c>PartSizeMiB</c>) into <see cref="S3BackupOptions"/> for
/// <c>s3://</c> backup locations.
/// </summary>
internal static class BackupS3Settings
{
    public const string Section = S3BackupOptionsValidator.DefaultSection;

    /// <summary>
    /// Binds and validates the section. Problems are added to <paramref name="reader"/>, each naming its key; the
    /// secret access key and session token are never echoed. Without <c>Backup:S3:AccessKeyId</c> the store uses the
    /// standard AWS credential chain (<c>AWS_ACCESS_KEY_ID</c> / <c>AWS_SECRET_ACCESS_KEY</c> / <c>AWS_SESSION_TOKEN</c>,
    /// web identity, instance role).
    /// </summary>
    public static S3BackupOptions Read(OptionsReader reader) =>
        reader.Read(Section, new S3BackupOptionsValidator(Section));
}
