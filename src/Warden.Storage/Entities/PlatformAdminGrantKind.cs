using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>What a <see cref="PlatformAdminGrant"/> matches. Stored as <c>email</c> | <c>idp_group</c>.</summary>
public enum PlatformAdminGrantKind
{
    /// <summary>An email address (normalized to lower case).</summary>
    [JsonStringEnumMemberName("email")]
    Email,

    /// <summary>Membership of an identity-provider group claim.</summary>
    [JsonStringEnumMemberName("idp_group")]
    IdpGroup,
}
