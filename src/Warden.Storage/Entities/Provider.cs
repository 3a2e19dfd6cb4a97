namespace Warden.Storage.Entities;

/// <summary>
/// An upstream endpoint of a project; name unique per project. Holds a <see cref="CredentialReference"/>, never a
/// secret. Cannot be deleted while a <see cref="RouteTarget"/> uses it.
/// </summary>
public sealed class Provider
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Owning project.</summary>
    public required Guid ProjectId { get; set; }

    /// <summary>Name unique within the project.</summary>
    public required string Name { get; set; }

    /// <summary>Upstream API flavour.</summary>
    public ProviderType Type { get; set; }

    /// <summary>Base URL of the upstream API.</summary>
    public required string BaseUrl { get; set; }

    /// <summary>Type-specific settings, e.g. <c>api-version</c> for Azure OpenAI (JSON object).</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    /// <summary>Extra, non-secret HTTP headers sent upstream (JSON object).</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>Where the credential lives, e.g. <c>env:OPENAI_API_KEY</c> or <c>file:/run/secrets/openai</c>. Never a secret value.</summary>
    public string? CredentialReference { get; set; }

    /// <summary>When the provider was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the provider was last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Navigation to the project.</summary>
    public Project Project { get; set; } = null!;
}
