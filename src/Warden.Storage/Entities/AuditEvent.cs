namespace Warden.Storage.Entities;

/// <summary>
/// One audited admin action (allowed or denied), hash-chained: <see cref="Hash"/> covers this event's fields and
/// <see cref="PreviousHash"/>. Never holds request bodies or credentials. Insert-only for the application
/// (retention pruning aside).
/// </summary>
public sealed class AuditEvent
{
    /// <summary>Database-assigned, increasing sequence number.</summary>
    public long Id { get; set; }

    /// <summary>When the action happened (UTC).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>Who acted: an email or an access-token id.</summary>
    public required string Actor { get; set; }

    /// <summary>The actor's groups at the time.</summary>
    public List<string> ActorGroups { get; set; } = [];

    /// <summary>Organization slug the action concerned, if any.</summary>
    public string? OrganizationSlug { get; set; }

    /// <summary>Dotted action name, e.g. <c>key.revoke</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What was acted on, e.g. <c>acme/payments/keys/…</c>.</summary>
    public string? Target { get; set; }

    /// <summary>Allowed or denied.</summary>
    public AuditOutcome Outcome { get; set; }

    /// <summary>HTTP status answered.</summary>
    public int HttpStatus { get; set; }

    /// <summary>The request id.</summary>
    public string? RequestId { get; set; }

    /// <summary>Client IP address.</summary>
    public string? SourceIp { get; set; }

    /// <summary>Hash of the previous event (all zeros for the first).</summary>
    public required byte[] PreviousHash { get; set; }

    /// <summary>Hash of this event.</summary>
    public required byte[] Hash { get; set; }
}
