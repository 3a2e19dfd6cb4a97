using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>The protocol of an <see cref="SsoConnection"/>. Stored as <c>oidc</c> | <c>saml</c>.</summary>
public enum SsoConnectionKind
{
    /// <summary>An OpenID Connect issuer (discovered from its issuer URL).</summary>
    [JsonStringEnumMemberName("oidc")]
    Oidc,

    /// <summary>A SAML identity provider (described by its metadata URL).</summary>
    [JsonStringEnumMemberName("saml")]
    Saml,
}
