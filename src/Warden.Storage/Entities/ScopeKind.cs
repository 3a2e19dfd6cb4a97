using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>The scope a <see cref="Budget"/> or <see cref="Limit"/> applies to.</summary>
public enum ScopeKind
{
    /// <summary>A whole organization; the scope id is the organization id.</summary>
    [JsonStringEnumMemberName("org")]
    Org,

    /// <summary>A project; the scope id is the project id.</summary>
    [JsonStringEnumMemberName("project")]
    Project,

    /// <summary>A group; the scope id is the group id.</summary>
    [JsonStringEnumMemberName("group")]
    Group,

    /// <summary>A consumer; the scope id is the consumer id.</summary>
    [JsonStringEnumMemberName("consumer")]
    Consumer,
}
