using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Warden.ControlPlane.Audit;
using Warden.ControlPlane.Reconcile;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin;

/// <summary>
/// One admin request: who calls, a database context, the authorization checks, and the commit that writes the change,
/// the configuration revision and the audit event in one transaction before asking the reconcile loop to publish.
/// Registered per request; <see cref="AdminEndpointFilter"/> authenticates before any handler runs.
/// </summary>
public sealed class AdminContext : IAsyncDisposable
{
    private readonly IDbContextFactory<WardenDbContext> _contexts;
    private readonly IHttpContextAccessor _http;
    private readonly IReconcileTrigger _reconcile;
    private readonly List<(string Kind, Guid Id, ConfigOperation Operation)> _changes = [];
    private WardenDbContext? _db;
    private AdminPrincipal? _principal;

    public AdminContext(IDbContextFactory<WardenDbContext> contexts, IHttpContextAccessor http, IReconcileTrigger reconcile, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _contexts = contexts;
        _http = http;
        _reconcile = reconcile;
        Now = AuditChain.TruncateToMicroseconds(time.GetUtcNow());
    }

    /// <summary>The request's time (microsecond precision, what the databases store).</summary>
    public DateTimeOffset Now { get; }

    /// <summary>The authenticated caller.</summary>
    public AdminPrincipal Principal
    {
        get => _principal ?? throw new InvalidOperationException("The admin request has not been authenticated.");
        internal set => _principal = value;
    }

    /// <summary>The request's database context.</summary>
    public WardenDbContext Db => _db ??= _contexts.CreateDbContext();

    /// <summary>The factory, for work outside the request's unit of work.</summary>
    public IDbContextFactory<WardenDbContext> Contexts => _contexts;

    private HttpContext Http => _http.HttpContext ?? throw new InvalidOperationException("No HTTP request.");

    /// <summary>Refuses unless the caller is a platform admin.</summary>
    public void RequirePlatformAdmin(string action, string? organizationSlug = null, string? target = null)
    {
        if (!Principal.IsPlatformAdmin)
        {
            throw new AdminDeniedException(action, organizationSlug, target, $"'{action}' requires the platform admin role.");
        }
    }

    /// <summary>
    /// The organization <paramref name="slug"/>, if the caller administers it. Callers outside the organization get
    /// 403 whether or not it exists (nothing to learn by guessing); platform admins get 404 for a missing one.
    /// </summary>
    public async Task<Organization> AdministeredOrganizationAsync(string slug, string action, string? target, CancellationToken cancellationToken)
    {
        var organization = await Db.Organizations.SingleOrDefaultAsync(o => o.Slug == slug, cancellationToken);
        if (organization is not null && Principal.AdministersOrganization(organization.Id))
        {
            return organization;
        }

        if (organization is null && Principal.IsPlatformAdmin)
        {
            throw new AdminNotFoundException($"Organization '{slug}' does not exist.");
        }

        throw new AdminDeniedException(action, slug, target, $"'{action}' requires the org_admin role in organization '{slug}'.");
    }

    /// <summary>The organization <paramref name="slug"/> if the caller belongs to it in any role (member views).</summary>
    public async Task<Organization> MemberOrganizationAsync(string slug, string action, CancellationToken cancellationToken)
    {
        var organization = await Db.Organizations.SingleOrDefaultAsync(o => o.Slug == slug, cancellationToken);
        if (organization is not null && Principal.BelongsTo(organization.Id))
        {
            return organization;
        }

        if (organization is null && Principal.IsPlatformAdmin)
        {
            throw new AdminNotFoundException($"Organization '{slug}' does not exist.");
        }

        throw new AdminDeniedException(action, slug, null, $"You are not a member of organization '{slug}'.");
    }

    /// <summary>Project <paramref name="slug"/> of <paramref name="organization"/> (404 when it is not there).</summary>
    public async Task<Project> ProjectAsync(Organization organization, string slug, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        return await Db.Projects.SingleOrDefaultAsync(p => p.OrganizationId == organization.Id && p.Slug == slug, cancellationToken)
            ?? throw new AdminNotFoundException($"Project '{slug}' does not exist in organization '{organization.Slug}'.");
    }

    /// <summary>Records that the commit changes configuration the gateways enforce.</summary>
    public void Changed(string entityKind, Guid entityId, ConfigOperation operation) => _changes.Add((entityKind, entityId, operation));

    /// <summary>
    /// Saves the tracked changes, a configuration revision listing <see cref="Changed"/> entities, and the allowed audit
    /// event, all in one transaction; then asks for a reconcile. A unique-key violation becomes 409.
    /// </summary>
    public async Task CommitAsync(string action, string? organizationSlug, string? target, int status, CancellationToken cancellationToken)
    {
        var db = Db;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (_changes.Count > 0)
        {
            var revision = new ConfigRevision { CreatedAt = Now, Reason = action, Actor = Principal.Actor };
            foreach (var (kind, id, operation) in _changes)
            {
                revision.Changes.Add(new ConfigChange { EntityKind = kind, EntityId = id, Operation = operation });
            }

            db.ConfigRevisions.Add(revision);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex))
        {
            throw new AdminConflictException("A resource with the same name already exists.");
        }

        await using (await AuditChain.AppendAsync(db, Record(action, organizationSlug, target, AuditOutcome.Allowed, status), Now, cancellationToken))
        {
            await transaction.CommitAsync(cancellationToken);
        }

        if (_changes.Count > 0)
        {
            _reconcile.RequestReconcile();
            _changes.Clear();
        }
    }

    /// <summary>An audit record of this request with the given outcome.</summary>
    public AuditRecord Record(string action, string? organizationSlug, string? target, AuditOutcome outcome, int status) => new(
        _principal?.Actor ?? "anonymous",
        _principal?.Groups ?? [],
        organizationSlug,
        action,
        target,
        outcome,
        status,
        Http.TraceIdentifier,
        Http.Connection.RemoteIpAddress?.ToString());

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    private static bool IsUniqueViolation(DbUpdateException ex) =>
        ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation }
        || (ex.InnerException is Microsoft.Data.Sqlite.SqliteException sqlite && sqlite.SqliteErrorCode == 19 && sqlite.Message.Contains("UNIQUE", StringComparison.Ordinal));
}
