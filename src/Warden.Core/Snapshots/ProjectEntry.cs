using System.Collections.Frozen;

namespace Warden.Core.Snapshots;

/// <summary>A project and everything its gateway traffic needs.</summary>
/// <param name="Id">Project id.</param>
/// <param name="OrganizationId">Owning organization id.</param>
/// <param name="OrganizationSlug">Owning organization slug.</param>
/// <param name="Slug">Project slug.</param>
/// <param name="Routes">Logical model name → route (ordinal, case-sensitive like OpenAI model ids).</param>
public sealed record ProjectEntry(
    Guid Id,
    Guid OrganizationId,
    string OrganizationSlug,
    string Slug,
    FrozenDictionary<string, RouteEntry> Routes);
