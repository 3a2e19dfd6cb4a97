using Microsoft.Extensions.Options;
using Warden.Core.Configuration;

namespace Warden.Storage.Backup;

/// <summary>
/// Validates <see cref="S3BackupOptions"/>. Messages name the configuration key (under <see cref="Section"/>) and never
/// echo the secret access key or session token.
/// </summary>
public sealed class S3BackupOptionsValidator : IValidateOptions<S3BackupOptions>
{
    /// <summary>The configuration section the options come from.</summary>
    public const string DefaultSection = "Backup:S3";

    /// <summary>Creates a validator whose messages name keys under <paramref name="section"/>.</summary>
    public S3BackupOptionsValidator(string section = DefaultSection)
    {
        Section = section;
    }

    /// <summary>The configuration section named in messages.</summary>
    public string Section { get; }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, S3BackupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        OptionChecks.HttpUrl(errors, $"{Section}:Endpoint", options.Endpoint, required: false);
        if (!string.IsNullOrWhiteSpace(options.Endpoint)
            && Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint)
            && !string.IsNullOrEmpty(endpoint.UserInfo))
        {
            // Not echoed: the user-info part is where a secret would be.
            errors.Add($"{Section}:Endpoint must not carry credentials; set {Section}:AccessKeyId and {Section}:SecretAccessKey instead.");
        }

        if (string.IsNullOrWhiteSpace(options.Region) || !IsRegionName(options.Region))
        {
            errors.Add($"{Section}:Region = '{options.Region}' is not a region name (letters, digits and '-', e.g. '{S3BackupOptions.DefaultRegion}').");
        }

        var hasKeyId = !string.IsNullOrEmpty(options.AccessKeyId);
        var hasSecret = !string.IsNullOrEmpty(options.SecretAccessKey);
        if (hasKeyId && !hasSecret)
        {
            errors.Add($"{Section}:SecretAccessKey is required when {Section}:AccessKeyId is set.");
        }
        else if (hasSecret && !hasKeyId)
        {
            errors.Add($"{Section}:AccessKeyId is required when {Section}:SecretAccessKey is set.");
        }

        if (!string.IsNullOrEmpty(options.SessionToken) && !(hasKeyId && hasSecret))
        {
            errors.Add($"{Section}:SessionToken needs {Section}:AccessKeyId and {Section}:SecretAccessKey as well.");
        }

        OptionChecks.Range(
            errors,
            $"{Section}:PartSizeMiB",
            options.PartSizeMiB,
            S3BackupOptions.MinimumPartSizeMiB,
            S3BackupOptions.MaximumPartSizeMiB);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when the options cannot work.</summary>
    public static void ThrowIfInvalid(S3BackupOptions options)
    {
        var result = new S3BackupOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new ArgumentException(string.Join(" ", result.Failures ?? []), nameof(options));
        }
    }

    private static bool IsRegionName(string region)
    {
        foreach (var c in region)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return region.Length <= 64;
    }
}
