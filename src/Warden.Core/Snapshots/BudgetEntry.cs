namespace Warden.Core.Snapshots;

/// <summary>A monthly USD cap (calendar month, UTC) at one scope.</summary>
/// <param name="Scope">Kind of scope.</param>
/// <param name="ScopeId">Id of the organization, project, group or consumer.</param>
/// <param name="MonthlyUsd">Cap in USD per calendar month.</param>
public sealed record BudgetEntry(PolicyScope Scope, Guid ScopeId, decimal MonthlyUsd);
