namespace Warden.Storage.Entities;

/// <summary>A project's semantic prompt guard (1:1 with the project, keyed by <see cref="ProjectId"/>).</summary>
public sealed class SemanticGuardConfig
{
    /// <summary>The project (primary key and foreign key).</summary>
    public required Guid ProjectId { get; set; }

    /// <summary>Whether the guard is on.</summary>
    public bool Enabled { get; set; }

    /// <summary>Similarity to a deny example (0..1) above which a request is blocked.</summary>
    public double Threshold { get; set; }

    /// <summary>Examples of requests to block.</summary>
    public List<string> DenyExamples { get; set; } = [];

    /// <summary>Examples of requests that must pass even if close to a deny example.</summary>
    public List<string> AllowExamples { get; set; } = [];

    /// <summary>When the settings were last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Navigation to the project.</summary>
    public Project Project { get; set; } = null!;
}
