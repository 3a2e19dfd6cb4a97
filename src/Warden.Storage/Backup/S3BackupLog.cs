using Microsoft.Extensions.Logging;
using Warden.Core.Diagnostics;

namespace Warden.Storage.Backup;

/// <summary>Log messages of <see cref="S3BackupStore"/>. Never logs credentials.</summary>
internal static partial class S3BackupLog
{
    [LoggerMessage(EventId = WardenEventIds.S3ObjectStored, Level = LogLevel.Debug, Message = "Stored {Name} in {Location}: {Bytes} bytes in {Parts} part(s)")]
    public static partial void ObjectStored(ILogger logger, string name, string location, long bytes, int parts);

    [LoggerMessage(EventId = WardenEventIds.S3UploadAborted, Level = LogLevel.Warning, Message = "Upload of {Name} to {Location} failed after {Bytes} bytes; the multipart upload was aborted and no object was written")]
    public static partial void UploadAborted(ILogger logger, string name, string location, long bytes);

    [LoggerMessage(EventId = WardenEventIds.S3UploadAbortFailed, Level = LogLevel.Warning, Message = "Could not abort the multipart upload {UploadId} of {Name} in {Location}; it is invisible but keeps its parts until a bucket lifecycle rule (AbortIncompleteMultipartUpload) removes it")]
    public static partial void UploadAbortFailed(ILogger logger, Exception exception, string uploadId, string name, string location);

    [LoggerMessage(EventId = WardenEventIds.S3ObjectDeleted, Level = LogLevel.Debug, Message = "Deleted {Name} from {Location}")]
    public static partial void ObjectDeleted(ILogger logger, string name, string location);
}
