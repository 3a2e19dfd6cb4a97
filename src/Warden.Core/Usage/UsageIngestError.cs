namespace Warden.Core.Usage;

/// <summary>The body of a refused usage batch: <c>{"error":{"code":"…","message":"…"}}</c>.</summary>
/// <param name="Error">What was wrong.</param>
public sealed record UsageIngestError(UsageIngestErrorDetail Error);

/// <summary>A refusal reason.</summary>
/// <param name="Code"><c>invalid_batch</c>, <c>payload_too_large</c>, <c>unauthorized</c> or <c>ledger_unavailable</c>.</param>
/// <param name="Message">Names the problem (field and event index), never an event's content beyond that.</param>
public sealed record UsageIngestErrorDetail(string Code, string Message);
