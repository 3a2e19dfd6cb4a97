using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Keys;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin;

/// <summary>
/// Turns an admin request's bearer token into an <see cref="AdminPrincipal"/>: the bootstrap admin token (compared in
/// constant time) or an access token (looked up by public id, secret hash compared in constant time, not revoked, not
/// expired). An access token never grants more than its owner currently holds: a token with role org_admin whose
/// owner lost that role acts as a member. OIDC access tokens will be one more branch here.
/// </summary>
public sealed class AdminAuthenticator
{
    private static readonly TimeSpan s_lastUsedGranularity = TimeSpan.FromMinutes(1);
    private readonly byte[]? _bootstrapHash;

    public AdminAuthenticator(ControlPlaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _bootstrapHash = string.IsNullOrEmpty(options.BootstrapAdminToken) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.BootstrapAdminToken));
    }

    /// <summary>The actor name of the bootstrap token in the audit log.</summary>
    public const string BootstrapActor = "bootstrap-token";

    /// <summary>The principal, or null when the request carries no valid credential.</summary>
    public async Task<AdminPrincipal?> AuthenticateAsync(HttpRequest request, WardenDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(db);
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[7..].Trim();
        if (token.StartsWith(AccessTokenFormat.Prefix, StringComparison.Ordinal))
        {
            return await FromAccessTokenAsync(token, db, now, cancellationToken);
        }

        if (_bootstrapHash is not null && token.Length > 0
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), _bootstrapHash))
        {
            return new AdminPrincipal(BootstrapActor, isPlatformAdmin: true, new Dictionary<Guid, MembershipRole>());
        }

        return null;
    }

    /// <summary>What a user may do today: platform grant by e-mail, and their memberships.</summary>
    public static async Task<(bool IsPlatformAdmin, Dictionary<Guid, MembershipRole> Organizations)> LoadUserRightsAsync(
        WardenDbContext db, User user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        var isPlatformAdmin = await db.PlatformAdminGrants.AsNoTracking()
            .AnyAsync(g => g.Kind == PlatformAdminGrantKind.Email && g.Value == user.NormalizedEmail, cancellationToken);
        var organizations = await db.Memberships.AsNoTracking().Where(m => m.UserId == user.Id)
            .ToDictionaryAsync(m => m.OrganizationId, m => m.Role, cancellationToken);
        return (isPlatformAdmin, organizations);
    }

    private static async Task<AdminPrincipal?> FromAccessTokenAsync(string token, WardenDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!AccessTokenFormat.TryParse(token, out var publicId, out var secret))
        {
            return null;
        }

        var stored = await db.AccessTokens.Include(t => t.OwnerUser).SingleOrDefaultAsync(t => t.PublicId == publicId, cancellationToken);
        if (stored is null || !ApiKeyFormat.Verify(secret, stored.SecretHash) || stored.RevokedAt is not null || stored.ExpiresAt <= now)
        {
            return null;
        }

        if (stored.LastUsedAt is null || now - stored.LastUsedAt > s_lastUsedGranularity)
        {
            stored.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        var actor = "token:" + stored.PublicId;
        if (stored.OwnerUser is not { } owner)
        {
            // A service token: exactly the role it was created with, in its organization.
            return stored.Role switch
            {
                AccessTokenRole.PlatformAdmin => new AdminPrincipal(actor, true, new Dictionary<Guid, MembershipRole>(), accessTokenId: stored.Id),
                AccessTokenRole.OrgAdmin when stored.OrganizationId is { } org =>
                    new AdminPrincipal(actor, false, new Dictionary<Guid, MembershipRole> { [org] = MembershipRole.OrgAdmin }, accessTokenId: stored.Id),
                _ when stored.OrganizationId is { } org =>
                    new AdminPrincipal(actor, false, new Dictionary<Guid, MembershipRole> { [org] = MembershipRole.Member }, accessTokenId: stored.Id),
                _ => new AdminPrincipal(actor, false, new Dictionary<Guid, MembershipRole>(), accessTokenId: stored.Id),
            };
        }

        // A personal token: the owner's current rights, capped by the token's role (and its organization, if scoped).
        var (isPlatformAdmin, organizations) = await LoadUserRightsAsync(db, owner, cancellationToken);
        var platform = isPlatformAdmin && stored.Role == AccessTokenRole.PlatformAdmin;
        var effective = new Dictionary<Guid, MembershipRole>();
        foreach (var (org, role) in organizations)
        {
            if (stored.OrganizationId is { } only && only != org)
            {
                continue;
            }

            effective[org] = role == MembershipRole.OrgAdmin && stored.Role != AccessTokenRole.Member ? MembershipRole.OrgAdmin : MembershipRole.Member;
        }

        return new AdminPrincipal(owner.Email, platform, effective, owner.Id, stored.Id);
    }
}
