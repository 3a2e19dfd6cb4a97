using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin;

/// <summary>
/// Who is calling the admin API and what they may do. Every way in (bootstrap token, access token, and later OIDC)
/// produces one of these; authorization reads nothing else.
/// </summary>
public sealed class AdminPrincipal
{
    private readonly IReadOnlyDictionary<Guid, MembershipRole> _organizations;

    public AdminPrincipal(string actor, bool isPlatformAdmin, IReadOnlyDictionary<Guid, MembershipRole> organizations,
        Guid? userId = null, Guid? accessTokenId = null, IReadOnlyList<string>? groups = null)
    {
        Actor = actor;
        IsPlatformAdmin = isPlatformAdmin;
        _organizations = organizations;
        UserId = userId;
        AccessTokenId = accessTokenId;
        Groups = groups ?? [];
    }

    /// <summary>The actor as the audit log names it: an e-mail address, <c>token:&lt;public id&gt;</c> or <c>bootstrap-token</c>.</summary>
    public string Actor { get; }

    /// <summary>Identity-provider groups of the actor (empty for tokens).</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>The user behind the call, when there is one (service tokens and the bootstrap token have none).</summary>
    public Guid? UserId { get; }

    /// <summary>The access token used, when the call came with one.</summary>
    public Guid? AccessTokenId { get; }

    /// <summary>Platform admins may do everything, in every organization.</summary>
    public bool IsPlatformAdmin { get; }

    /// <summary>The organizations the principal belongs to, with its effective role in each.</summary>
    public IReadOnlyDictionary<Guid, MembershipRole> Organizations => _organizations;

    /// <summary>True when the principal administers <paramref name="organizationId"/> (platform admins administer all).</summary>
    public bool AdministersOrganization(Guid organizationId) =>
        IsPlatformAdmin || (_organizations.TryGetValue(organizationId, out var role) && role == MembershipRole.OrgAdmin);

    /// <summary>True when the principal belongs to <paramref name="organizationId"/> in any role.</summary>
    public bool BelongsTo(Guid organizationId) => IsPlatformAdmin || _organizations.ContainsKey(organizationId);

    /// <summary>The highest role the principal holds anywhere, used to cap the role of tokens it creates.</summary>
    public AccessTokenRole HighestRole =>
        IsPlatformAdmin ? AccessTokenRole.PlatformAdmin
        : _organizations.Values.Any(r => r == MembershipRole.OrgAdmin) ? AccessTokenRole.OrgAdmin
        : AccessTokenRole.Member;
}
