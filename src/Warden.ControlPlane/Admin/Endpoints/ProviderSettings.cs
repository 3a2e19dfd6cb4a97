using System.Collections.Frozen;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// Validation of a provider's base URL, settings, extra headers and credential reference. Settings are the keys the
/// gateway's adapters read (<c>api-version</c> for Azure OpenAI; <c>anthropic-version</c> and <c>anthropic-beta</c>
/// for Anthropic); an unknown key is an error rather than a setting nobody reads. The camelCase spellings
/// (<c>apiVersion</c>, …) are accepted and stored under the adapter's name.
/// </summary>
public static class ProviderSettings
{
    /// <summary>Most settings or headers one provider may carry.</summary>
    public const int MaxEntries = 32;

    /// <summary>Longest setting or header value.</summary>
    public const int MaxValueLength = 1024;

    private static readonly FrozenDictionary<string, string> s_aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["api-version"] = "api-version",
        ["apiVersion"] = "api-version",
        ["anthropic-version"] = "anthropic-version",
        ["anthropicVersion"] = "anthropic-version",
        ["anthropic-beta"] = "anthropic-beta",
        ["anthropicBeta"] = "anthropic-beta",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<ProviderType, string[]> s_known = new Dictionary<ProviderType, string[]>
    {
        [ProviderType.OpenAi] = [],
        [ProviderType.Mock] = [],
        [ProviderType.AzureOpenAi] = ["api-version"],
        [ProviderType.Anthropic] = ["anthropic-version", "anthropic-beta"],
        [ProviderType.Gemini] = [],
    }.ToFrozenDictionary();

    // Credentials travel by reference only, and the gateway owns framing headers.
    private static readonly FrozenSet<string> s_credentialHeaders =
        FrozenSet.ToFrozenSet(["authorization", "proxy-authorization", "api-key", "x-api-key", "x-goog-api-key"], StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> s_reservedHeaders =
        FrozenSet.ToFrozenSet(["host", "content-length", "content-type", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds errors for the provider's fields to <paramref name="validation"/> and returns the normalized settings.</summary>
    public static Dictionary<string, string> Validate(Validation validation, ProviderType type, string? baseUrl,
        IReadOnlyDictionary<string, string>? settings, IReadOnlyDictionary<string, string>? headers, string? credentialReference)
    {
        ArgumentNullException.ThrowIfNull(validation);
        validation.HttpUrl("baseUrl", baseUrl).MaxLength("baseUrl", baseUrl, 2048);
        if (baseUrl is not null && Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri) && (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo)))
        {
            validation.Add("baseUrl", "must not carry a query, fragment or user info (credentials go in credentialReference).");
        }

        var normalized = new Dictionary<string, string>(StringComparer.Ordinal);
        var known = s_known.GetValueOrDefault(type, []);
        if (settings is { Count: > MaxEntries })
        {
            validation.Add("settings", $"must have at most {MaxEntries} entries.");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            var field = $"settings.{key}";
            if (!s_aliases.TryGetValue(key, out var name) || !known.Contains(name, StringComparer.Ordinal))
            {
                validation.Add(field, known.Length == 0
                    ? $"is not a setting of '{TypeName(type)}' providers (they take none)."
                    : $"is not a setting of '{TypeName(type)}' providers; known settings: {string.Join(", ", known)}.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(value) || value.Length > MaxValueLength || value.Any(char.IsControl))
            {
                validation.Add(field, $"must be a non-blank value of at most {MaxValueLength} characters without control characters.");
                continue;
            }

            if (!normalized.TryAdd(name, value.Trim()))
            {
                validation.Add(field, $"repeats the setting '{name}'.");
            }
        }

        if (headers is { Count: > MaxEntries })
        {
            validation.Add("headers", $"must have at most {MaxEntries} entries.");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            var field = $"headers.{name}";
            if (name.Length is 0 or > 100 || !name.All(IsTokenChar))
            {
                validation.Add(field, "is not a valid HTTP header name.");
            }
            else if (s_credentialHeaders.Contains(name))
            {
                validation.Add(field, "carries a credential; give credentialReference instead of a credential header.");
            }
            else if (s_reservedHeaders.Contains(name))
            {
                validation.Add(field, "is set by the gateway and cannot be configured.");
            }
            else if (value is null || value.Length > MaxValueLength || value.Any(char.IsControl))
            {
                validation.Add(field, $"must be at most {MaxValueLength} characters without control characters.");
            }
        }

        validation.CredentialReference("credentialReference", credentialReference);
        return normalized;
    }

    /// <summary>The wire spelling of a provider type.</summary>
    public static string TypeName(ProviderType type) => type switch
    {
        ProviderType.OpenAi => "openai",
        ProviderType.AzureOpenAi => "azure-openai",
        ProviderType.Anthropic => "anthropic",
        ProviderType.Gemini => "gemini",
        _ => "mock",
    };

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
