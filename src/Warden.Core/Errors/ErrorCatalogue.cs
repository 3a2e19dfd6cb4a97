using System.Collections.Frozen;

namespace Warden.Core.Errors;

/// <summary>
/// The one place that maps a <see cref="GatewayError"/> to its HTTP status and OpenAI-compatible error
/// <c>type</c>/<c>code</c> (SPEC DP-2). Clients and SDKs key their retry logic off these, so they never change
/// meaning once shipped.
/// </summary>
public static class ErrorCatalogue
{
    private static readonly FrozenDictionary<GatewayError, ErrorDescriptor> s_entries = new Dictionary<GatewayError, ErrorDescriptor>
    {
        [GatewayError.InvalidJson] = new(400, "invalid_request_error", "invalid_json", "The request body is not valid JSON."),
        [GatewayError.InvalidRequest] = new(400, "invalid_request_error", "invalid_request", "The request is invalid."),
        [GatewayError.UnsupportedMediaType] = new(415, "invalid_request_error", "unsupported_media_type", "Send the request body as application/json."),
        [GatewayError.InvalidApiKey] = new(401, "authentication_error", "invalid_api_key", "Invalid API key."),
        [GatewayError.KeyRevoked] = new(401, "authentication_error", "key_revoked", "This API key has been revoked."),
        [GatewayError.KeyExpired] = new(401, "authentication_error", "key_expired", "This API key has expired."),
        [GatewayError.GuardrailBlocked] = new(403, "permission_error", "guardrail_blocked", "The request was blocked by a guardrail."),
        [GatewayError.ModelNotAllowed] = new(403, "permission_error", "model_not_allowed", "This key may not use the requested model."),
        [GatewayError.TenantMismatch] = new(403, "permission_error", "tenant_mismatch", "This key belongs to another project."),
        [GatewayError.ModelNotFound] = new(404, "not_found_error", "model_not_found", "The requested model does not exist."),
        [GatewayError.NotFound] = new(404, "not_found_error", "not_found", "No such endpoint."),
        [GatewayError.MethodNotAllowed] = new(405, "invalid_request_error", "method_not_allowed", "Method not allowed on this endpoint."),
        [GatewayError.PayloadTooLarge] = new(413, "invalid_request_error", "payload_too_large", "The request body is too large."),
        [GatewayError.BudgetExceeded] = new(429, "rate_limit_error", "budget_exceeded", "The monthly budget is exhausted."),
        [GatewayError.RateLimitExceeded] = new(429, "rate_limit_error", "rate_limit_exceeded", "Rate limit exceeded."),
        [GatewayError.CountersUnavailable] = new(503, "server_error", "counters_unavailable", "Budgets and limits cannot be checked right now; the request was refused."),
        [GatewayError.UpstreamError] = new(502, "server_error", "upstream_error", "The upstream provider returned an error."),
        [GatewayError.UpstreamUnavailable] = new(503, "server_error", "upstream_unavailable", "No upstream provider is available."),
        [GatewayError.UpstreamTimeout] = new(504, "server_error", "upstream_timeout", "The upstream provider did not answer in time."),
        [GatewayError.NotReady] = new(503, "server_error", "not_ready", "The gateway has not received its configuration yet."),
        [GatewayError.InternalError] = new(500, "server_error", "internal_error", "Internal error."),
    }.ToFrozenDictionary();

    /// <summary>The descriptor of <paramref name="error"/>.</summary>
    public static ErrorDescriptor Describe(GatewayError error) => s_entries[error];

    /// <summary>All entries, for documentation and tests.</summary>
    public static IReadOnlyDictionary<GatewayError, ErrorDescriptor> All => s_entries;
}
