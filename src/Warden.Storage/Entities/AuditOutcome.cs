using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>Whether an audited action was allowed or denied.</summary>
public enum AuditOutcome
{
    /// <summary>The action was performed.</summary>
    [JsonStringEnumMemberName("allowed")]
    Allowed,

    /// <summary>The action was refused (403 and audited).</summary>
    [JsonStringEnumMemberName("denied")]
    Denied,
}
