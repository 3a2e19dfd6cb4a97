namespace Warden.Storage.Entities;

/// <summary>
/// One billable request attempt in the append-only usage ledger. <see cref="EventId"/> (the primary key) is the
/// gateway's idempotency key. Ids of organizations, projects, consumers and keys are plain columns without foreign
/// keys, so the ledger outlives deleted configuration.
/// </summary>
public sealed class UsageRecord
{
    /// <summary>The gateway-assigned event id; primary key, so a re-sent event is rejected.</summary>
    public required Guid EventId { get; set; }

    /// <summary>When the request happened (UTC).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>Organization id.</summary>
    public required Guid OrganizationId { get; set; }

    /// <summary>Project id.</summary>
    public required Guid ProjectId { get; set; }

    /// <summary>Consumer id.</summary>
    public required Guid ConsumerId { get; set; }

    /// <summary>API key id, if the request was key-authenticated.</summary>
    public Guid? ApiKeyId { get; set; }

    /// <summary>The logical model the client asked for.</summary>
    public required string LogicalModel { get; set; }

    /// <summary>Name of the provider that served the request (null for cache hits and early rejections).</summary>
    public string? ProviderName { get; set; }

    /// <summary>Upstream model id that served the request.</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>Input (prompt) tokens.</summary>
    public long InputTokens { get; set; }

    /// <summary>Output (completion) tokens.</summary>
    public long OutputTokens { get; set; }

    /// <summary>Cache-read input tokens.</summary>
    public long CacheReadTokens { get; set; }

    /// <summary>Cache-write input tokens.</summary>
    public long CacheWriteTokens { get; set; }

    /// <summary>Cost in USD (exact decimal).</summary>
    public decimal CostUsd { get; set; }

    /// <summary>True when the answer came from the semantic cache.</summary>
    public bool CacheHit { get; set; }

    /// <summary>Outcome, e.g. <c>ok</c>, <c>upstream_error</c>, <c>client_cancelled</c>.</summary>
    public required string Status { get; set; }

    /// <summary>Total latency in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>The <c>x-request-id</c> of the request.</summary>
    public required string RequestId { get; set; }
}
