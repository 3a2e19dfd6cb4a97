namespace Warden.Core.Usage;

/// <summary>Token counts of one upstream call, as the provider reported them (or as counted when it did not).</summary>
/// <param name="InputTokens">Prompt tokens, including cached ones.</param>
/// <param name="OutputTokens">Completion tokens.</param>
/// <param name="CacheReadTokens">Prompt tokens served from the provider's prompt cache.</param>
/// <param name="CacheWriteTokens">Prompt tokens written to the provider's prompt cache.</param>
public readonly record struct TokenUsage(long InputTokens, long OutputTokens, long CacheReadTokens, long CacheWriteTokens)
{
    /// <summary>Input plus output tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;
}
