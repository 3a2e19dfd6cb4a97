using System.Collections.Concurrent;

namespace Warden.Gateway.Credentials;

/// <summary>
/// Resolves a provider's credential reference to the secret at call time: <c>env:NAME</c> reads an environment
/// variable, <c>file:/path</c> a mounted secret file (re-read when it changes, so rotated Kubernetes secrets apply
/// without a restart). Secrets never travel in snapshots and are never logged.
/// </summary>
public sealed class CredentialResolver
{
    private static readonly TimeSpan s_fileRecheck = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, CachedFile> _files = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public CredentialResolver(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>
    /// Returns the secret for <paramref name="reference"/>, null when the reference is null/empty, or throws
    /// <see cref="CredentialUnavailableException"/> when it cannot be resolved.
    /// </summary>
    public string? Resolve(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        if (reference.StartsWith("env:", StringComparison.Ordinal))
        {
            var name = reference[4..];
            return Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
                ? value
                : throw new CredentialUnavailableException($"The environment variable '{name}' named by a provider credential reference is not set.");
        }

        if (reference.StartsWith("file:", StringComparison.Ordinal))
        {
            return ResolveFile(reference[5..]);
        }

        throw new CredentialUnavailableException("A provider credential reference must start with 'env:' or 'file:'.");
    }

    private string ResolveFile(string path)
    {
        var now = _time.GetUtcNow();
        if (_files.TryGetValue(path, out var cached) && now - cached.CheckedAt < s_fileRecheck)
        {
            return cached.Value;
        }

        try
        {
            var value = File.ReadAllText(path).Trim();
            if (value.Length == 0)
            {
                throw new CredentialUnavailableException($"The secret file '{path}' is empty.");
            }

            _files[path] = new CachedFile(value, now);
            return value;
        }
        catch (IOException ex)
        {
            throw new CredentialUnavailableException($"The secret file '{path}' cannot be read: {ex.GetType().Name}.");
        }
        catch (UnauthorizedAccessException)
        {
            throw new CredentialUnavailableException($"The secret file '{path}' is not readable by the gateway.");
        }
    }

    private sealed record CachedFile(string Value, DateTimeOffset CheckedAt);
}
