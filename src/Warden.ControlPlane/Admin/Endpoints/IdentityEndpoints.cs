using System.Buffers;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// Identity and self-service: organization members, groups and SSO connections, platform settings and admins,
/// admin-API access tokens, the caller's own profile, keys, usage and blocked requests, and usage reports for admins.
/// </summary>
public static class IdentityEndpoints
{
    private static readonly SearchValues<char> s_variableNameChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary>Maps every identity endpoint under <paramref name="api"/>.</summary>
    public static RouteGroupBuilder MapIdentityEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapMemberEndpoints();
        api.MapGroupEndpoints();
        api.MapSsoEndpoints();
        api.MapPlatformEndpoints();
        api.MapTokenEndpoints();
        api.MapMeEndpoints();
        api.MapUsageEndpoints();
        api.MapUsageExportEndpoints();
        return api;
    }

    /// <summary>
    /// A plausible e-mail address: one <c>@</c> between a non-empty local part and a dotted domain, no whitespace,
    /// at most 320 characters. Deliverability is the identity provider's business.
    /// </summary>
    internal static bool IsEmail(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 320 || value.Any(char.IsWhiteSpace))
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1)
        {
            return false;
        }

        var domain = value[(at + 1)..];
        return domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.');
    }

    /// <summary>
    /// A secret reference the way gateways and the control plane resolve them: <c>env:NAME</c> (a POSIX variable
    /// name) or <c>file:/absolute/path</c>. Anything else is most likely a pasted secret, which must not be stored.
    /// </summary>
    internal static bool IsSecretReference(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.StartsWith("env:", StringComparison.Ordinal))
        {
            var name = value.AsSpan(4);
            return name.Length is > 0 and <= 256 && !char.IsAsciiDigit(name[0])
                && !name.ContainsAnyExcept(s_variableNameChars);
        }

        return value.StartsWith("file:/", StringComparison.Ordinal) && value.Length <= 512 && !value.Any(char.IsControl);
    }

    /// <summary>
    /// Records an update of every consumer of <paramref name="userIds"/> in the organization (or only in
    /// <paramref name="projectIds"/>): their groups, and so their model allow-lists and group budgets, changed.
    /// </summary>
    internal static async Task RecordConsumersOfUsersAsync(AdminContext admin, Guid organizationId, IReadOnlyCollection<Guid> userIds,
        IReadOnlyCollection<Guid>? projectIds, CancellationToken ct)
    {
        if (userIds.Count == 0 || projectIds is { Count: 0 })
        {
            return;
        }

        var query = admin.Db.Consumers.AsNoTracking()
            .Where(c => c.UserId != null && userIds.Contains(c.UserId.Value) && c.Project.OrganizationId == organizationId);
        if (projectIds is not null)
        {
            query = query.Where(c => projectIds.Contains(c.ProjectId));
        }

        var consumers = await query.Select(c => c.Id).ToListAsync(ct);
        foreach (var consumer in consumers)
        {
            admin.Changed(ConfigEntityKinds.Consumer, consumer, ConfigOperation.Updated);
        }
    }

    /// <summary>The user with this e-mail address (compared normalized), or null.</summary>
    internal static Task<User?> FindUserAsync(AdminContext admin, string email, CancellationToken ct)
    {
        var normalized = User.NormalizeEmail(email);
        return admin.Db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
    }
}
