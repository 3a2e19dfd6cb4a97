namespace Warden.Core.Usage;

/// <summary>
/// The body of <c>POST /internal/usage</c> and of one record in a gateway's spool: usage events in the order the
/// gateway produced them.
/// </summary>
public sealed record UsageBatch
{
    /// <summary>The events; each carries its own idempotency key (<see cref="UsageEvent.EventId"/>).</summary>
    public required IReadOnlyList<UsageEvent> Events { get; init; }
}
