namespace Warden.Core.Snapshots;

/// <summary>What part of a request the semantic cache keys on.</summary>
public enum CacheKeyKind
{
    /// <summary>Only the last message.</summary>
    LastMessage,

    /// <summary>The whole conversation.</summary>
    Conversation,
}
