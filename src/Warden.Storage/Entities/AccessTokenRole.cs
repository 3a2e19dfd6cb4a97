using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>The highest role an admin-API <see cref="AccessToken"/> may act with.</summary>
public enum AccessTokenRole
{
    /// <summary>Acts as a member: own keys and usage only.</summary>
    [JsonStringEnumMemberName("member")]
    Member,

    /// <summary>Acts as an org admin of <see cref="AccessToken.OrganizationId"/>.</summary>
    [JsonStringEnumMemberName("org_admin")]
    OrgAdmin,

    /// <summary>Acts as a platform admin.</summary>
    [JsonStringEnumMemberName("platform_admin")]
    PlatformAdmin,
}
