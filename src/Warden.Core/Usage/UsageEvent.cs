namespace Warden.Core.Usage;

/// <summary>
/// One billable request attempt, emitted by the gateway and stored append-only by the control plane. The event id is
/// the idempotency key: a re-sent event never counts twice.
/// </summary>
public sealed record UsageEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid OrganizationId { get; init; }
    public required Guid ProjectId { get; init; }
    public required Guid ConsumerId { get; init; }
    public required IReadOnlyList<Guid> GroupIds { get; init; }
    public required Guid KeyId { get; init; }
    public required string LogicalModel { get; init; }
    public string? ProviderName { get; init; }
    public string? UpstreamModel { get; init; }
    public TokenUsage Tokens { get; init; }

    /// <summary>True when the provider reported the counts; false when they were estimated.</summary>
    public bool UsageReported { get; init; }

    public decimal CostUsd { get; init; }

    /// <summary>False when no price was known for the model (the cost is then zero and must be reviewed).</summary>
    public bool Priced { get; init; } = true;
    public bool CacheHit { get; init; }

    /// <summary><c>ok</c>, <c>error</c>, <c>cancelled</c> or an error code.</summary>
    public required string Status { get; init; }

    /// <summary>The HTTP status the client received (0 when the client went away first).</summary>
    public int HttpStatus { get; init; }

    public long LatencyMs { get; init; }
    public required string RequestId { get; init; }

    /// <summary>1-based attempt number within the request (fallback and retries produce several attempts).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// Set when a guardrail blocked the request (then <see cref="Status"/> is <c>guardrail_blocked</c>, the cost is
    /// zero): the control plane also records it as a guardrail block with this event's id.
    /// </summary>
    public GuardrailBlockInfo? Block { get; init; }
}
