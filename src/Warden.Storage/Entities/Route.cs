namespace Warden.Storage.Entities;

/// <summary>A logical model of a project (name unique per project) and how it maps onto upstream targets.</summary>
public sealed class Route
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Owning project.</summary>
    public required Guid ProjectId { get; set; }

    /// <summary>The name clients send in <c>model</c>, e.g. <c>coding-default</c>.</summary>
    public required string LogicalModel { get; set; }

    /// <summary>Target selection strategy.</summary>
    public RouteStrategy Strategy { get; set; }

    /// <summary>Maximum attempts across targets (including the first).</summary>
    public int MaxAttempts { get; set; }

    /// <summary>Base backoff between attempts in milliseconds (jittered by the gateway).</summary>
    public int BackoffMs { get; set; }

    /// <summary>When the route was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the route was last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Navigation to the project.</summary>
    public Project Project { get; set; } = null!;

    /// <summary>Targets of the route.</summary>
    public ICollection<RouteTarget> Targets { get; } = [];
}
