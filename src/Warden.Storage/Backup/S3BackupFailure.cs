namespace Warden.Storage.Backup;

/// <summary>Why an S3 backup store operation failed (see <see cref="S3BackupStoreException"/>).</summary>
public enum S3BackupFailure
{
    /// <summary>Any other error the server or the SDK reported.</summary>
    Other = 0,

    /// <summary>The bucket of the location does not exist.</summary>
    BucketNotFound,

    /// <summary>The server refused the credentials (unknown key, wrong secret, expired token) or the permission.</summary>
    AccessDenied,

    /// <summary>No credentials were configured and none were found in the environment.</summary>
    CredentialsMissing,

    /// <summary>The endpoint could not be reached (connection refused, name not resolved, timed out).</summary>
    EndpointUnreachable,

    /// <summary>The object needs more than 10,000 parts at the configured part size.</summary>
    ObjectTooLarge,
}
