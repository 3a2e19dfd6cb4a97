namespace Warden.Storage.Entities;

/// <summary>An outbox row: one entity created, updated or deleted in a <see cref="ConfigRevision"/>.</summary>
public sealed class ConfigChange
{
    /// <summary>Database-assigned sequence number.</summary>
    public long Id { get; set; }

    /// <summary>The revision.</summary>
    public long RevisionId { get; set; }

    /// <summary>Entity kind, e.g. <c>api_key</c>, <c>route</c>, <c>provider</c>.</summary>
    public required string EntityKind { get; set; }

    /// <summary>Entity id (for 1:1 project settings: the project id).</summary>
    public required Guid EntityId { get; set; }

    /// <summary>What happened.</summary>
    public ConfigOperation Operation { get; set; }

    /// <summary>Navigation to the revision.</summary>
    public ConfigRevision Revision { get; set; } = null!;
}
