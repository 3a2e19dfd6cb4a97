namespace Warden.Storage.Backup;

/// <summary>Opens the <see cref="IBackupStore"/> a location string names.</summary>
public static class BackupStoreFactory
{
    /// <summary>
    /// Opens <paramref name="location"/>: a folder path, a <c>file://</c> URI, or <c>s3://bucket/prefix</c>.
    /// Throws <see cref="ArgumentException"/> for an unusable location and <see cref="NotSupportedException"/> for a
    /// scheme this build cannot open.
    /// </summary>
    public static IBackupStore Open(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var text = location.Trim();
        if (text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException("S3 backup locations (s3://bucket/prefix) are not supported by this build yet; use a folder path or a file:// URI.");
        }

        if (text.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !uri.IsFile || !string.IsNullOrEmpty(uri.Host))
            {
                throw new ArgumentException($"Backup location '{text}' is not a valid local file URI (expected file:///path/to/folder).", nameof(location));
            }

            return new FolderBackupStore(uri.LocalPath);
        }

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            throw new NotSupportedException($"Backup location scheme '{text[..schemeEnd]}://' is not supported; use a folder path, file:///path or s3://bucket/prefix.");
        }

        return new FolderBackupStore(text);
    }
}
