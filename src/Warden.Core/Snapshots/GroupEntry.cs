using System.Collections.Frozen;

namespace Warden.Core.Snapshots;

/// <summary>A group a consumer belongs to.</summary>
/// <param name="Id">Group id.</param>
/// <param name="Slug">Group slug.</param>
/// <param name="AllowedModels">Logical models the group may use; null means no restriction from this group.</param>
/// <param name="Budget">The group's monthly budget, if any.</param>
/// <param name="Limit">The group's rate limits, if any.</param>
public sealed record GroupEntry(Guid Id, string Slug, FrozenSet<string>? AllowedModels, BudgetEntry? Budget = null, LimitEntry? Limit = null);
