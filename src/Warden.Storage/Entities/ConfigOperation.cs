using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>What happened to an entity in a <see cref="ConfigChange"/>.</summary>
public enum ConfigOperation
{
    /// <summary>The entity was created.</summary>
    [JsonStringEnumMemberName("created")]
    Created,

    /// <summary>The entity was modified.</summary>
    [JsonStringEnumMemberName("updated")]
    Updated,

    /// <summary>The entity was deleted.</summary>
    [JsonStringEnumMemberName("deleted")]
    Deleted,
}
