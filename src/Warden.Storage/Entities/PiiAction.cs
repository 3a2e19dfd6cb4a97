using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>What a PII rule does when its kind is detected.</summary>
public enum PiiAction
{
    /// <summary>Replace with a typed placeholder; the request continues.</summary>
    [JsonStringEnumMemberName("mask")]
    Mask,

    /// <summary>Reject the request with 403.</summary>
    [JsonStringEnumMemberName("block")]
    Block,
}
