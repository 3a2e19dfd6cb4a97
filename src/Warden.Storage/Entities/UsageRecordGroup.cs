namespace Warden.Storage.Entities;

/// <summary>
/// Attribution of a <see cref="UsageRecord"/> to one of the consumer's groups (a consumer may count against several).
/// <see cref="OccurredAt"/> and <see cref="CostUsd"/> are copied from the record so group month-to-date sums need
/// no join. Primary key (<see cref="EventId"/>, <see cref="GroupId"/>).
/// </summary>
public sealed class UsageRecordGroup
{
    /// <summary>The usage record's event id.</summary>
    public required Guid EventId { get; set; }

    /// <summary>The group id (no foreign key: the ledger outlives groups).</summary>
    public required Guid GroupId { get; set; }

    /// <summary>Copy of <see cref="UsageRecord.OccurredAt"/>.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>Copy of <see cref="UsageRecord.CostUsd"/>.</summary>
    public decimal CostUsd { get; set; }
}
