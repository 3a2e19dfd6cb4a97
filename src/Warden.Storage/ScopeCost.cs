namespace Warden.Storage;

/// <summary>Total cost of one scope (organization, project, consumer or group) over a time window.</summary>
/// <param name="ScopeId">Id of the scope.</param>
/// <param name="CostUsd">Exact sum of the ledger's costs.</param>
public sealed record ScopeCost(Guid ScopeId, decimal CostUsd);
