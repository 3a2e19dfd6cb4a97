namespace Warden.Storage.Entities;

/// <summary>
/// The identity a request is attributed to (<c>org.project.name</c>). One per (user, project) for humans;
/// <see cref="UserId"/> null marks a service consumer for machine clients.
/// </summary>
public sealed class Consumer
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Owning project.</summary>
    public required Guid ProjectId { get; set; }

    /// <summary>The human behind the consumer; null for a service consumer.</summary>
    public Guid? UserId { get; set; }

    /// <summary>Name unique within the project, e.g. <c>alice</c>.</summary>
    public required string Name { get; set; }

    /// <summary>When the consumer was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Navigation to the project.</summary>
    public Project Project { get; set; } = null!;

    /// <summary>Navigation to the user, if any.</summary>
    public User? User { get; set; }

    /// <summary>API keys of the consumer.</summary>
    public ICollection<ApiKey> ApiKeys { get; } = [];
}
