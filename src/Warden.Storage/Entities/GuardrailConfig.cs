namespace Warden.Storage.Entities;

/// <summary>A project's guardrail settings (1:1 with the project, keyed by <see cref="ProjectId"/>).</summary>
public sealed class GuardrailConfig
{
    /// <summary>The project (primary key and foreign key).</summary>
    public required Guid ProjectId { get; set; }

    /// <summary>Enabled prompt-injection patterns from the curated library, by id.</summary>
    public List<string> CuratedPatternIds { get; set; } = [];

    /// <summary>The project's own prompt-injection regexes (JSON column).</summary>
    public List<CustomInjectionPattern> CustomPatterns { get; set; } = [];

    /// <summary>PII kind (e.g. <c>email</c>, <c>credit_card</c>) → action; null inherits the platform default (JSON column).</summary>
    public Dictionary<string, PiiAction>? PiiRules { get; set; }

    /// <summary>When the settings were last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Navigation to the project.</summary>
    public Project Project { get; set; } = null!;
}
