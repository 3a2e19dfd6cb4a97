using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>Where a <see cref="Price"/> row came from. Manual rows override synced and default ones.</summary>
public enum PriceSource
{
    /// <summary>Shipped default table.</summary>
    [JsonStringEnumMemberName("default")]
    Default,

    /// <summary>Imported by the price-sync job.</summary>
    [JsonStringEnumMemberName("synced")]
    Synced,

    /// <summary>Set by a platform admin; never overwritten by sync.</summary>
    [JsonStringEnumMemberName("manual")]
    Manual,
}
