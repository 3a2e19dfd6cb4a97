using System.Text.RegularExpressions;

namespace Warden.ControlPlane.Admin;

/// <summary>Collects field errors for one request and throws them together as a 400 problem.</summary>
public sealed partial class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Adds an error for <paramref name="field"/>.</summary>
    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    /// <summary>Requires a present, non-blank string no longer than <paramref name="maxLength"/>.</summary>
    public Validation Required(string field, string? value, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "is required.");
        }

        return value.Length > maxLength ? Add(field, $"must be at most {maxLength} characters.") : this;
    }

    /// <summary>Optional string no longer than <paramref name="maxLength"/>.</summary>
    public Validation MaxLength(string field, string? value, int maxLength)
    {
        return value is not null && value.Length > maxLength ? Add(field, $"must be at most {maxLength} characters.") : this;
    }

    /// <summary>A DNS-safe slug: lower-case letters, digits and inner hyphens, 1 to 63 characters.</summary>
    public Validation Slug(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return Add(field, "is required.");
        }

        return SlugPattern().IsMatch(value) ? this : Add(field, "must be 1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit.");
    }

    /// <summary>An absolute http(s) URL.</summary>
    public Validation HttpUrl(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "is required.");
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? this
            : Add(field, "must be an absolute http or https URL.");
    }

    /// <summary>A number within bounds.</summary>
    public Validation Range(string field, decimal? value, decimal min, decimal max)
    {
        return value is { } v && (v < min || v > max) ? Add(field, $"must be between {min} and {max}.") : this;
    }

    /// <summary>Throws the collected errors as a 400 problem, if any.</summary>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new AdminValidationException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }

    /// <summary>True when the value is a valid slug.</summary>
    public static bool IsSlug(string? value) => value is not null && SlugPattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex SlugPattern();
}
