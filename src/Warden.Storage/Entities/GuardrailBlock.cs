namespace Warden.Storage.Entities;

/// <summary>
/// A request blocked by a guardrail. <see cref="Id"/> is the gateway's event id (idempotent ingest). Like the usage
/// ledger it references configuration by id only.
/// </summary>
public sealed class GuardrailBlock
{
    /// <summary>The gateway-assigned event id; primary key.</summary>
    public required Guid Id { get; set; }

    /// <summary>When the block happened (UTC).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>Organization id.</summary>
    public required Guid OrganizationId { get; set; }

    /// <summary>Project id.</summary>
    public required Guid ProjectId { get; set; }

    /// <summary>Consumer id.</summary>
    public required Guid ConsumerId { get; set; }

    /// <summary>Rule that fired, e.g. <c>pii.credit_card</c> or a custom pattern id.</summary>
    public required string RuleId { get; set; }

    /// <summary>Kind of guardrail, e.g. <c>pii</c>, <c>pattern</c>, <c>semantic</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>A short, already redacted excerpt around the match.</summary>
    public required string Snippet { get; set; }

    /// <summary>The <c>x-request-id</c> of the blocked request.</summary>
    public string? RequestId { get; set; }

    /// <summary>Whether the member reported the block as a false positive.</summary>
    public bool ReportedFalsePositive { get; set; }

    /// <summary>When it was reported.</summary>
    public DateTimeOffset? ReportedAt { get; set; }
}
