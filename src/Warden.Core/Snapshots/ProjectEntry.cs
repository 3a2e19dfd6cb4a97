using System.Collections.Frozen;

namespace Warden.Core.Snapshots;

/// <summary>A project and everything its gateway traffic needs.</summary>
/// <param name="Id">Project id.</param>
/// <param name="OrganizationId">Owning organization id.</param>
/// <param name="OrganizationSlug">Owning organization slug.</param>
/// <param name="Slug">Project slug.</param>
/// <param name="Routes">Logical model name → route (ordinal, case-sensitive like OpenAI model ids).</param>
/// <param name="Settings">Budgets, limits, guardrails, cache, semantic guard and MCP servers.</param>
public sealed record ProjectEntry(
    Guid Id,
    Guid OrganizationId,
    string OrganizationSlug,
    string Slug,
    FrozenDictionary<string, RouteEntry> Routes,
    ProjectSettings Settings)
{
    /// <summary>A project with routes only (no budgets, limits, guardrails, cache, guard or MCP servers).</summary>
    public ProjectEntry(Guid id, Guid organizationId, string organizationSlug, string slug, FrozenDictionary<string, RouteEntry> routes)
        : this(id, organizationId, organizationSlug, slug, routes, ProjectSettings.Empty)
    {
    }
}
