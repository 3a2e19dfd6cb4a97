using System.Collections.Frozen;

namespace Warden.Core.Snapshots;

/// <summary>A group a consumer belongs to.</summary>
/// <param name="Id">Group id.</param>
/// <param name="Slug">Group slug.</param>
/// <param name="AllowedModels">Logical models the group may use; null means no restriction from this group.</param>
public sealed record GroupEntry(Guid Id, string Slug, FrozenSet<string>? AllowedModels);
