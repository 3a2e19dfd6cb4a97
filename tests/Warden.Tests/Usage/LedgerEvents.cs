using System.Globalization;
using Warden.Core.Usage;

namespace Warden.Tests.Usage;

/// <summary>Usage events as a gateway emits them, scoped to an organization id unique to the test.</summary>
internal static class LedgerEvents
{
    public static List<UsageEvent> Batch(Guid organizationId, int count, params Guid[] groups)
    {
        var consumer = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, count).Select(i => new UsageEvent
        {
            EventId = Guid.CreateVersion7(),
            OccurredAt = now.AddMilliseconds(i),
            OrganizationId = organizationId,
            ProjectId = organizationId,
            ConsumerId = consumer,
            GroupIds = groups,
            KeyId = Guid.NewGuid(),
            LogicalModel = "chat",
            ProviderName = "mock",
            UpstreamModel = "gpt-4o-mini",
            Tokens = new TokenUsage(120, 16, 0, 0),
            UsageReported = true,
            CostUsd = 0.0000276m,
            Status = "ok",
            HttpStatus = 200,
            LatencyMs = 5,
            RequestId = "req-" + i.ToString(CultureInfo.InvariantCulture),
        })];
    }
}
