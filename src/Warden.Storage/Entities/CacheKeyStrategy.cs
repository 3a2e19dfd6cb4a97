using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>What part of a request the semantic cache keys on.</summary>
public enum CacheKeyStrategy
{
    /// <summary>Only the last message.</summary>
    [JsonStringEnumMemberName("last-message")]
    LastMessage,

    /// <summary>The whole conversation.</summary>
    [JsonStringEnumMemberName("conversation")]
    Conversation,
}
