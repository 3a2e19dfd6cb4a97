namespace Warden.Storage.Entities;

/// <summary>A platform-wide setting, e.g. the platform PII default. <see cref="Value"/> is JSON text.</summary>
public sealed class PlatformSetting
{
    /// <summary>Dotted key, e.g. <c>guardrails.pii.default</c> (primary key).</summary>
    public required string Key { get; set; }

    /// <summary>The value as JSON text.</summary>
    public required string Value { get; set; }

    /// <summary>When the value was last written.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
