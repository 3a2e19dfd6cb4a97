namespace Warden.Storage.Entities;

/// <summary>One upstream target of a <see cref="Route"/>: provider + upstream model id.</summary>
public sealed class RouteTarget
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Owning route.</summary>
    public required Guid RouteId { get; set; }

    /// <summary>The provider (deleting it is refused while this target exists).</summary>
    public required Guid ProviderId { get; set; }

    /// <summary>The model id sent upstream.</summary>
    public required string UpstreamModel { get; set; }

    /// <summary>Position for the fallback strategy (ascending).</summary>
    public int Order { get; set; }

    /// <summary>Relative weight for the weighted strategy.</summary>
    public int Weight { get; set; }

    /// <summary>Per-attempt timeout in milliseconds.</summary>
    public int TimeoutMs { get; set; }

    /// <summary>Navigation to the route.</summary>
    public Route Route { get; set; } = null!;

    /// <summary>Navigation to the provider.</summary>
    public Provider Provider { get; set; } = null!;
}
