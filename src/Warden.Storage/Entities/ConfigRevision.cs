namespace Warden.Storage.Entities;

/// <summary>
/// One committed configuration change set. Its <see cref="Id"/> is the desired-state revision reconcile publishes;
/// its <see cref="Changes"/> are the outbox from which deltas (e.g. one revoked key) are built.
/// </summary>
public sealed class ConfigRevision
{
    /// <summary>Database-assigned, increasing revision number.</summary>
    public long Id { get; set; }

    /// <summary>When the revision was committed (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Why, e.g. the audited action <c>key.revoke</c>.</summary>
    public required string Reason { get; set; }

    /// <summary>Who made the change.</summary>
    public required string Actor { get; set; }

    /// <summary>Entities touched by the revision.</summary>
    public ICollection<ConfigChange> Changes { get; } = [];
}
