using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>The role a user holds in an organization. Stored as <c>member</c> | <c>org_admin</c>.</summary>
public enum MembershipRole
{
    /// <summary>A member: own keys, own usage.</summary>
    [JsonStringEnumMemberName("member")]
    Member,

    /// <summary>An organization administrator (granted by a platform admin only).</summary>
    [JsonStringEnumMemberName("org_admin")]
    OrgAdmin,
}
