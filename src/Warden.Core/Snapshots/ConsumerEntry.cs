using System.Collections.Immutable;

namespace Warden.Core.Snapshots;

/// <summary>The identity a request is attributed to (<c>org.project.name</c>).</summary>
/// <param name="Id">Consumer id.</param>
/// <param name="Name">Consumer name within its project.</param>
/// <param name="Project">The consumer's project.</param>
/// <param name="Groups">Groups the consumer belongs to (through its user), for model allow-lists and budgets.</param>
public sealed record ConsumerEntry(Guid Id, string Name, ProjectEntry Project, ImmutableArray<GroupEntry> Groups)
{
    /// <summary>The attribution name, e.g. <c>acme.payments.alice</c>.</summary>
    public string QualifiedName { get; } = Project.OrganizationSlug + "." + Project.Slug + "." + Name;

    /// <summary>
    /// Whether this consumer may use <paramref name="logicalModel"/>: allowed unless at least one of its groups has
    /// an allow-list and none of those lists names the model.
    /// </summary>
    public bool MayUse(string logicalModel)
    {
        var restricted = false;
        foreach (var group in Groups)
        {
            if (group.AllowedModels is null)
            {
                continue;
            }

            if (group.AllowedModels.Contains(logicalModel))
            {
                return true;
            }

            restricted = true;
        }

        return !restricted;
    }
}
