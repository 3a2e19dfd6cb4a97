namespace Warden.Storage.Backup;

/// <summary>
/// An S3 backup store operation failed. The message says what to check (bucket, credentials, endpoint) and never
/// contains the secret access key or session token.
/// </summary>
public sealed class S3BackupStoreException : IOException
{
    public S3BackupStoreException()
    {
    }

    public S3BackupStoreException(string message)
        : base(message)
    {
    }

    public S3BackupStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a classified failure.</summary>
    public S3BackupStoreException(S3BackupFailure failure, string message, Exception? innerException)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>Why the operation failed.</summary>
    public S3BackupFailure Failure { get; }
}
