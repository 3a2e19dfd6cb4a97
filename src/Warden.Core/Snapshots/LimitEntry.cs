namespace Warden.Core.Snapshots;

/// <summary>Rate limits at one scope.</summary>
/// <param name="Scope">Kind of scope.</param>
/// <param name="ScopeId">Id of the organization, project, group or consumer.</param>
/// <param name="TokensPerMinute">Tokens per minute.</param>
/// <param name="RequestsPerMinute">Requests per minute, if limited.</param>
/// <param name="MaxConcurrent">Maximum concurrent requests, if limited.</param>
public sealed record LimitEntry(PolicyScope Scope, Guid ScopeId, long TokensPerMinute, int? RequestsPerMinute, int? MaxConcurrent);
