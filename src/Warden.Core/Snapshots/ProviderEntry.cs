using System.Collections.Frozen;

namespace Warden.Core.Snapshots;

/// <summary>An upstream provider as the gateway sees it. Holds a credential <em>reference</em>, never a secret.</summary>
/// <param name="Id">Provider id.</param>
/// <param name="Name">Name unique in its project.</param>
/// <param name="Kind">Wire protocol.</param>
/// <param name="BaseUrl">Base URL, e.g. <c>https://api.openai.com/v1</c>.</param>
/// <param name="Settings">Extra settings (e.g. <c>api-version</c>, <c>header:X-Org</c>).</param>
/// <param name="CredentialReference"><c>env:NAME</c> or <c>file:/path</c>; null when the upstream needs none.</param>
public sealed record ProviderEntry(
    Guid Id,
    string Name,
    ProviderKind Kind,
    Uri BaseUrl,
    FrozenDictionary<string, string> Settings,
    string? CredentialReference);
