namespace Warden.Storage.Entities;

/// <summary>
/// An organization's corporate identity provider (SPEC ID-5), unique by name within the organization. Only the
/// connection's description is stored: the client secret lives outside the database and
/// <see cref="ClientSecretReference"/> says where (<c>env:NAME</c>, <c>file:/path</c>).
/// </summary>
public sealed class SsoConnection
{
    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Owning organization.</summary>
    public required Guid OrganizationId { get; set; }

    /// <summary>Label unique within the organization, e.g. <c>corporate-entra</c>.</summary>
    public required string Name { get; set; }

    /// <summary>OIDC or SAML.</summary>
    public SsoConnectionKind Kind { get; set; }

    /// <summary>The OIDC issuer URL (OIDC connections).</summary>
    public string? IssuerUrl { get; set; }

    /// <summary>The SAML metadata URL (SAML connections).</summary>
    public string? MetadataUrl { get; set; }

    /// <summary>The OIDC client id registered at the issuer, if any.</summary>
    public string? ClientId { get; set; }

    /// <summary>Where the client secret lives (e.g. <c>env:ACME_OIDC_SECRET</c>); never a secret value.</summary>
    public string? ClientSecretReference { get; set; }

    /// <summary>Whether users may sign in through the connection.</summary>
    public bool Enabled { get; set; }

    /// <summary>When the connection was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the connection was last modified.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Navigation to the organization.</summary>
    public Organization Organization { get; set; } = null!;
}
