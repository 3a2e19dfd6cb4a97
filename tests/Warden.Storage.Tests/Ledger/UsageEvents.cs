using Warden.Core.Usage;

namespace Warden.Storage.Tests.Ledger;

/// <summary>Usage events as a gateway emits them, with ids unique to the calling test.</summary>
internal static class UsageEvents
{
    public static UsageEvent Create(Guid organizationId, Guid consumerId, int index, params Guid[] groups) => new()
    {
        EventId = Guid.CreateVersion7(),
        OccurredAt = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero).AddMilliseconds(index * 1.5),
        OrganizationId = organizationId,
        ProjectId = organizationId,
        ConsumerId = consumerId,
        GroupIds = groups,
        KeyId = Guid.NewGuid(),
        LogicalModel = "chat",
        ProviderName = "mock",
        UpstreamModel = "gpt-4o-mini",
        Tokens = new TokenUsage(100 + index, 20 + index, 10, 0),
        UsageReported = true,
        CostUsd = 0.000123456m + (index * 0.000000001m),
        Status = "ok",
        HttpStatus = 200,
        LatencyMs = 12 + index,
        RequestId = "req-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary><paramref name="e"/> as the guardrail gate reports a block: $0, no tokens, status guardrail_blocked.</summary>
    public static UsageEvent Blocked(UsageEvent e, GuardrailBlockInfo block) => e with
    {
        ProviderName = null,
        UpstreamModel = null,
        Tokens = default,
        CostUsd = 0m,
        Status = "guardrail_blocked",
        HttpStatus = 403,
        Block = block,
    };

    public static List<UsageEvent> Batch(Guid organizationId, Guid consumerId, int count, params Guid[] groups) =>
        [.. Enumerable.Range(0, count).Select(i => Create(organizationId, consumerId, i, groups))];
}
