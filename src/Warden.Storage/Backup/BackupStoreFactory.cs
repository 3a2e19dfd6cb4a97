namespace Warden.Storage.Backup;

/// <summary>Opens the <see cref="IBackupStore"/> a location string names.</summary>
public static class BackupStoreFactory
{
    /// <summary>
    /// Opens <paramref name="location"/>: a folder path, a <c>file://</c> URI, or <c>s3://bucket/prefix</c>.
    /// Throws <see cref="ArgumentException"/> for an unusable location and <see cref="NotSupportedException"/> for a
    /// scheme this build cannot open.
    /// </summary>
    /// <param name="location">The location.</param>
    /// <param name="s3">Settings for <c>s3://</c> locations (endpoint, region, credentials); defaults when null.</param>
    public static IBackupStore Open(string location, S3BackupOptions? s3 = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var text = location.Trim();
        if (text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var bucket))
            {
                throw new ArgumentException($"Backup location '{text}' is not a valid s3://bucket/prefix location.", nameof(location));
            }

            return S3BackupStore.Create(bucket, s3 ?? new S3BackupOptions());
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
