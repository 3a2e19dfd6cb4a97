namespace Warden.Core.Configuration;

/// <summary>
/// Checks shared by the options validators. Every message starts with the configuration key it is about, so an
/// operator can find the setting whichever layer (file, environment, flag) set it.
/// </summary>
public static class OptionChecks
{
    /// <summary>Adds an error unless <paramref name="value"/> is an absolute http(s) URL.</summary>
    public static void HttpUrl(ICollection<string> errors, string key, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors.Add($"{key} is required (an absolute http:// or https:// URL).");
            }

            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add($"{key} = '{value}' is not an absolute http:// or https:// URL.");
        }
    }

    /// <summary>Adds an error unless <paramref name="value"/> lies in [min, max].</summary>
    public static void Range(ICollection<string> errors, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} = {value} is out of range; expected {min}..{max}.");
        }
    }

    /// <summary>Adds an error when a secret token is set but too short to be safe. Never echoes the value.</summary>
    public static void Secret(ICollection<string> errors, string key, string? value, bool required, int minLength = 32)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                errors.Add($"{key} is required (a random string of at least {minLength} characters).");
            }

            return;
        }

        if (value.Length < minLength)
        {
            errors.Add($"{key} is too short: use at least {minLength} random characters.");
        }
    }
}
