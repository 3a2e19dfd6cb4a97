using Warden.Core.Snapshots;

namespace Warden.Core.Budgets;

/// <summary>A scope: its kind and id.</summary>
/// <param name="Scope">Kind of scope.</param>
/// <param name="Id">Id of the organization, project, group or consumer.</param>
public readonly record struct ScopeRef(PolicyScope Scope, Guid Id);
