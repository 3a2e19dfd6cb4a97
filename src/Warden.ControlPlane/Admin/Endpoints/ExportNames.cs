using Microsoft.EntityFrameworkCore;
using Warden.Storage;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// Slugs and names of organizations, projects and consumers for an export, loaded once before the rows stream (the
/// ledger holds ids only and outlives configuration: a deleted one exports with an empty name and its id).
/// Sized by configuration, not by the number of ledger rows.
/// </summary>
internal sealed class ExportNames
{
    private ExportNames(Dictionary<Guid, string> organizations, Dictionary<Guid, string> projects, Dictionary<Guid, string> consumers)
    {
        Organizations = organizations;
        Projects = projects;
        Consumers = consumers;
    }

    public Dictionary<Guid, string> Organizations { get; }

    public Dictionary<Guid, string> Projects { get; }

    public Dictionary<Guid, string> Consumers { get; }

    /// <summary>Names within <paramref name="organizationId"/>, or of every organization when null.</summary>
    public static async Task<ExportNames> LoadAsync(WardenDbContext db, Guid? organizationId, CancellationToken ct)
    {
        var organizations = await db.Organizations.AsNoTracking().Where(o => organizationId == null || o.Id == organizationId)
            .ToDictionaryAsync(o => o.Id, o => o.Slug, ct);
        var projects = await db.Projects.AsNoTracking().Where(p => organizationId == null || p.OrganizationId == organizationId)
            .ToDictionaryAsync(p => p.Id, p => p.Slug, ct);
        var consumers = await db.Consumers.AsNoTracking().Where(c => organizationId == null || c.Project.OrganizationId == organizationId)
            .ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return new ExportNames(organizations, projects, consumers);
    }
}
