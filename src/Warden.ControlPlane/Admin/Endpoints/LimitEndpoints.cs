using Microsoft.AspNetCore.Routing;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>Rate limits: tokens per minute (required), requests per minute and concurrent requests (optional).</summary>
public sealed record SetLimitRequest(long TokensPerMinute, int? RequestsPerMinute = null, int? MaxConcurrent = null);

/// <summary>A limit as the API shows it; scope fields as in <see cref="BudgetView"/>.</summary>
public sealed record LimitView(Guid Id, ScopeKind Scope, string ScopeRef, Guid ScopeId, string ScopeName, long TokensPerMinute, int? RequestsPerMinute, int? MaxConcurrent,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Rate limits: <c>/api/orgs/{org}/projects/{project}/limits[/{scope}/{scopeRef}]</c> (org admins and platform admins)
/// and the organization's own limit at <c>/api/orgs/{org}/limit</c> (read by org admins, written by platform admins
/// only, like the organization budget). Stored and published to the gateways.
/// </summary>
public static class LimitEndpoints
{
    /// <summary>Largest accepted tokens per minute.</summary>
    public const long MaxTokensPerMinute = 1_000_000_000_000;

    /// <summary>Largest accepted requests per minute.</summary>
    public const int MaxRequestsPerMinute = 100_000_000;

    /// <summary>Largest accepted concurrency.</summary>
    public const int MaxConcurrency = 1_000_000;

    private static readonly ScopedPolicyEndpoints<Limit, SetLimitRequest, LimitView> s_endpoints = new()
    {
        Kind = "limit",
        EntityKind = ConfigEntityKinds.Limit,
        Tag = "Limits",
        Set = db => db.Limits,
        Create = (scope, now) => new Limit { Scope = scope.Kind, ScopeId = scope.ScopeId, OrganizationId = scope.OrganizationId, ProjectId = scope.ProjectId, CreatedAt = now },
        Validate = Validate,
        Apply = (limit, body) =>
        {
            limit.TokensPerMinute = body.TokensPerMinute;
            limit.RequestsPerMinute = body.RequestsPerMinute;
            limit.MaxConcurrent = body.MaxConcurrent;
        },
        View = (l, scopeRef, scopeName) => new LimitView(l.Id, l.Scope, scopeRef, l.ScopeId, scopeName, l.TokensPerMinute, l.RequestsPerMinute, l.MaxConcurrent,
            l.CreatedAt, l.UpdatedAt),
    };

    public static RouteGroupBuilder MapLimitEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        s_endpoints.Map(api);
        return api;
    }

    private static void Validate(SetLimitRequest body)
    {
        var validation = new Validation()
            .Range("requestsPerMinute", body.RequestsPerMinute, 1, MaxRequestsPerMinute)
            .Range("maxConcurrent", body.MaxConcurrent, 1, MaxConcurrency);
        if (body.TokensPerMinute <= 0 || body.TokensPerMinute > MaxTokensPerMinute)
        {
            validation.Add("tokensPerMinute", $"must be greater than 0 and at most {MaxTokensPerMinute}.");
        }

        validation.ThrowIfInvalid();
    }
}
