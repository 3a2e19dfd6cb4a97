using Microsoft.EntityFrameworkCore;
using Warden.ControlPlane.Audit;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin;

/// <summary>
/// The single-node bootstrap (ID-4): with no identity provider, <c>warden serve</c> creates one local break-glass
/// platform admin and a personal access token for it, and prints them once. Later starts find the grant and create
/// nothing, so the token is never shown again (revoke it and mint another through the API if it is lost).
/// </summary>
public static class BreakGlassAdmin
{
    /// <summary>The local admin's e-mail address.</summary>
    public const string Email = "admin@warden.local";

    /// <summary>Creates the local admin when no break-glass grant exists; returns its token, or null when it already existed.</summary>
    public static async Task<string?> EnsureAsync(IDbContextFactory<WardenDbContext> contexts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.PlatformAdminGrants.AnyAsync(g => g.IsBreakGlass, cancellationToken))
        {
            return null;
        }

        now = AuditChain.TruncateToMicroseconds(now);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var normalized = User.NormalizeEmail(Email);
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        if (user is null)
        {
            user = new User { Email = Email, DisplayName = "Local administrator", CreatedAt = now };
            db.Users.Add(user);
        }

        db.PlatformAdminGrants.Add(new PlatformAdminGrant { Kind = PlatformAdminGrantKind.Email, Value = normalized, IsBreakGlass = true, CreatedAt = now });
        var (token, publicId, hash) = AccessTokenFormat.Generate();
        db.AccessTokens.Add(new AccessToken
        {
            PublicId = publicId,
            SecretHash = hash,
            OwnerUserId = user.Id,
            Name = "break-glass (created by warden serve)",
            Role = AccessTokenRole.PlatformAdmin,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        var record = new AuditRecord("system", [], null, "platform.break_glass_admin.create", "user:" + Email, AuditOutcome.Allowed, 0, null, null);
        await using (await AuditChain.AppendAsync(db, record, now, cancellationToken))
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return token;
    }
}
