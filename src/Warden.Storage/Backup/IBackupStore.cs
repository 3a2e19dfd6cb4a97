namespace Warden.Storage.Backup;

/// <summary>
/// Where backups are kept: a local folder or an S3-compatible bucket. Objects are addressed by a relative name
/// (<c>20261124T101500Z-ab12cd/manifest.json</c>); a store never exposes credentials through <see cref="Location"/>.
/// </summary>
public interface IBackupStore
{
    /// <summary>The location as shown to people and written to logs (no secrets): <c>file:///var/backups/warden</c>, <c>s3://bucket/prefix</c>.</summary>
    string Location { get; }

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="name"/>, replacing an object of that name. The object
    /// becomes visible only once complete (a temporary file renamed, or a single/multipart upload completed), so a
    /// crash mid-write never leaves a truncated object under the final name.
    /// </summary>
    Task PutAsync(string name, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens an object for reading. Throws <see cref="BackupObjectNotFoundException"/> when it does not exist.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Lists the names of the objects whose name starts with <paramref name="prefix"/> ("" for all), in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes an object; deleting a missing object is not an error.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);
}
