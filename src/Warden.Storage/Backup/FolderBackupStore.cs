using System.Runtime.CompilerServices;

namespace Warden.Storage.Backup;

/// <summary>
/// A backup store in a local (or mounted) folder. Object names map to relative paths (<c>/</c> separated). A put
/// writes a temporary file beside the target, flushes it to disk and renames it into place, so a crash never leaves
/// a truncated object under its final name; temporary files are never listed.
/// </summary>
public sealed class FolderBackupStore : IBackupStore
{
    private const string TemporaryMarker = ".partial-";

    private readonly string _root;

    /// <summary>Opens (and creates) the folder at <paramref name="path"/>.</summary>
    public FolderBackupStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _root = Path.GetFullPath(path);
        Directory.CreateDirectory(_root);
    }

    /// <summary>The folder's full path.</summary>
    public string RootPath => _root;

    /// <inheritdoc />
    public string Location => new Uri(_root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar).AbsoluteUri.TrimEnd('/');

    /// <inheritdoc />
    public async Task PutAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + TemporaryMarker + Guid.NewGuid().ToString("N");
        try
        {
            await using (var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 0,
            }))
            {
                await content.CopyToAsync(file, 1 << 20, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        try
        {
            Stream stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 0,
            });
            return Task.FromResult(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BackupObjectNotFoundException($"'{name}' is not in {Location}.", ex);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        await Task.Yield();
        if (!Directory.Exists(_root))
        {
            yield break;
        }

        var names = new List<string>();
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (!name.Contains(TemporaryMarker, StringComparison.Ordinal) && name.StartsWith(prefix, StringComparison.Ordinal))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            yield return name;
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        var folder = Path.GetDirectoryName(path)!;
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.CompletedTask; // already gone with its folder
        }

        // Remove the backup's folder once it is empty, so pruned backups leave nothing behind.
        if (!string.Equals(folder, _root, StringComparison.Ordinal) && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            try
            {
                Directory.Delete(folder);
            }
            catch (IOException)
            {
                // Something was written meanwhile; leave the folder.
            }
        }

        return Task.CompletedTask;
    }

    private string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.StartsWith('/') || name.Contains('\\', StringComparison.Ordinal) || name.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"'{name}' is not a valid backup object name.", nameof(name));
        }

        return Path.Combine(_root, name.Replace('/', Path.DirectorySeparatorChar));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
