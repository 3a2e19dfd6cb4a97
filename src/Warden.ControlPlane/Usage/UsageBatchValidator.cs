using System.Globalization;
using Warden.Core.Usage;

namespace Warden.ControlPlane.Usage;

/// <summary>
/// Checks a decoded usage batch against what the ledger can store. The first problem found is returned as a message
/// naming the event index and the field (never the value), e.g. <c>events[3].requestId is empty</c>.
/// </summary>
public static class UsageBatchValidator
{
    // Column sizes of usage_records (see UsageRecordConfiguration / ModelLimits).
    private const int ModelLength = 200;
    private const int ProviderLength = 63;
    private const int CodeLength = 128;

    // guardrail_blocks: rule ids are project-chosen pattern ids or built-in ids (≤ 100 characters); snippets are short.
    private const int RuleIdLength = 100;
    private const int SnippetLength = 500;

    /// <summary>The status of an event that carries a <see cref="UsageEvent.Block"/>.</summary>
    public const string BlockedStatus = "guardrail_blocked";

    /// <summary>The kinds of guardrail a block may name.</summary>
    public static readonly IReadOnlyList<string> BlockKinds = ["pii", "pattern", "semantic"];

    // SQLite stores money as nano-USD in a 64-bit integer (±9.2e9 USD); no single request costs a billion dollars.
    private const decimal MaxCostUsd = 1_000_000_000m;

    private static readonly DateTimeOffset s_earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_latest = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Null when every event can be stored; otherwise the first problem.</summary>
    public static string? Validate(UsageBatch batch, int maxEvents)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Events is null)
        {
            return "events is required.";
        }

        if (batch.Events.Count > maxEvents)
        {
            return string.Create(CultureInfo.InvariantCulture, $"events holds {batch.Events.Count} events; at most {maxEvents} per batch.");
        }

        for (var i = 0; i < batch.Events.Count; i++)
        {
            var problem = Validate(batch.Events[i]);
            if (problem is not null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"events[{i}]{problem}");
            }
        }

        return null;
    }

    private static string? Validate(UsageEvent? e)
    {
        if (e is null)
        {
            return " is null.";
        }

        if (e.EventId == Guid.Empty)
        {
            return ".eventId is empty.";
        }

        if (e.OccurredAt < s_earliest || e.OccurredAt > s_latest)
        {
            return ".occurredAt is out of range.";
        }

        if (e.OrganizationId == Guid.Empty)
        {
            return ".organizationId is empty.";
        }

        if (e.ProjectId == Guid.Empty)
        {
            return ".projectId is empty.";
        }

        if (e.ConsumerId == Guid.Empty)
        {
            return ".consumerId is empty.";
        }

        if (e.GroupIds is null || e.GroupIds.Contains(Guid.Empty))
        {
            return ".groupIds must be a list of non-empty ids.";
        }

        if (e.GroupIds.Distinct().Count() != e.GroupIds.Count)
        {
            return ".groupIds has duplicates.";
        }

        return Text(e.LogicalModel, "logicalModel", ModelLength, required: true)
            ?? Text(e.ProviderName, "providerName", ProviderLength, required: false)
            ?? Text(e.UpstreamModel, "upstreamModel", ModelLength, required: false)
            ?? Text(e.Status, "status", CodeLength, required: true)
            ?? Text(e.RequestId, "requestId", CodeLength, required: true)
            ?? Tokens(e.Tokens)
            ?? (e.CostUsd < 0 || e.CostUsd >= MaxCostUsd ? ".costUsd is out of range." : null)
            ?? (e.LatencyMs < 0 ? ".latencyMs is negative." : null)
            ?? Block(e);
    }

    /// <summary>A block rides only on a <c>guardrail_blocked</c> event and must fit <c>guardrail_blocks</c>.</summary>
    private static string? Block(UsageEvent e)
    {
        if (e.Block is not { } block)
        {
            return null;
        }

        if (!string.Equals(e.Status, BlockedStatus, StringComparison.Ordinal))
        {
            return $".block is only allowed on events with status {BlockedStatus}.";
        }

        if (block.Kind is null || !BlockKinds.Contains(block.Kind, StringComparer.Ordinal))
        {
            return ".block.kind must be one of pii, pattern, semantic.";
        }

        if (block.Snippet is null)
        {
            return ".block.snippet is missing.";
        }

        return Text(block.RuleId, "block.ruleId", RuleIdLength, required: true)
            ?? (block.Snippet.Length > SnippetLength ? string.Create(CultureInfo.InvariantCulture, $".block.snippet is longer than {SnippetLength} characters.") : null);
    }

    private static string? Text(string? value, string name, int maxLength, bool required)
    {
        if (value is null || value.Length == 0)
        {
            return required ? $".{name} is empty." : null;
        }

        return value.Length > maxLength ? string.Create(CultureInfo.InvariantCulture, $".{name} is longer than {maxLength} characters.") : null;
    }

    private static string? Tokens(TokenUsage tokens) =>
        tokens.InputTokens < 0 || tokens.OutputTokens < 0 || tokens.CacheReadTokens < 0 || tokens.CacheWriteTokens < 0
            ? ".tokens has a negative count."
            : null;
}
