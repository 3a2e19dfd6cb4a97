using System.Text.RegularExpressions;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// Credential references of providers and MCP servers: <c>env:NAME</c> (an environment variable) or
/// <c>file:/absolute/path</c> (a mounted secret file), the same forms the gateway resolves. References are write-only
/// in the API, and neither they nor the secrets behind them appear in responses, problems or audit targets.
/// </summary>
public static partial class ProviderCredentials
{
    /// <summary>Longest accepted reference (the column length).</summary>
    public const int MaxLength = 512;

    private const string EnvPrefix = "env:";
    private const string FilePrefix = "file:";

    // A secret file is a few hundred bytes; anything much larger is not a credential.
    private const int MaxSecretFileBytes = 64 * 1024;

    /// <summary>
    /// Checks the form of <paramref name="reference"/> (null means no credential). Messages never repeat the value.
    /// </summary>
    public static Validation CredentialReference(this Validation validation, string field, string? reference)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (reference is null)
        {
            return validation;
        }

        if (reference.Length > MaxLength)
        {
            return validation.Add(field, $"must be at most {MaxLength} characters.");
        }

        if (reference.StartsWith(EnvPrefix, StringComparison.Ordinal))
        {
            return EnvironmentName().IsMatch(reference.AsSpan(EnvPrefix.Length))
                ? validation
                : validation.Add(field, "must name an environment variable after 'env:' (letters, digits and underscores, not starting with a digit).");
        }

        if (reference.StartsWith(FilePrefix, StringComparison.Ordinal))
        {
            var path = reference[FilePrefix.Length..];
            var valid = path.StartsWith('/') && path.Length > 1 && !path.Contains('\0', StringComparison.Ordinal)
                && !path.Split('/').Contains("..", StringComparer.Ordinal);
            return valid ? validation : validation.Add(field, "must give an absolute path after 'file:' (no '..' segments).");
        }

        return validation.Add(field, "must be 'env:NAME' or 'file:/absolute/path'.");
    }

    /// <summary>
    /// The secret behind a (validated) reference, read in the control plane's own process, or an error text that names
    /// neither the reference nor the secret.
    /// </summary>
    public static async Task<(string? Secret, string? Error)> ResolveAsync(string? reference, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return (null, null);
        }

        if (reference.StartsWith(EnvPrefix, StringComparison.Ordinal))
        {
            return Environment.GetEnvironmentVariable(reference[EnvPrefix.Length..]) is { Length: > 0 } value
                ? (value, null)
                : (null, "The credential reference names an environment variable that is not set in the control plane's process.");
        }

        if (reference.StartsWith(FilePrefix, StringComparison.Ordinal))
        {
            try
            {
                var file = new FileInfo(reference[FilePrefix.Length..]);
                if (!file.Exists)
                {
                    return (null, "The credential reference names a file that does not exist on the control plane.");
                }

                if (file.Length > MaxSecretFileBytes)
                {
                    return (null, "The credential reference names a file too large to be a credential.");
                }

                var value = (await File.ReadAllTextAsync(file.FullName, cancellationToken)).Trim();
                return value.Length > 0 ? (value, null) : (null, "The credential reference names an empty file.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return (null, "The credential reference names a file the control plane cannot read.");
            }
        }

        return (null, "The credential reference has an unknown scheme.");
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex EnvironmentName();
}
