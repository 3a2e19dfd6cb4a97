namespace Warden.Core.Errors;

/// <summary>Every way the gateway can refuse or fail a request. Mapped to status and body by <see cref="ErrorCatalogue"/>.</summary>
public enum GatewayError
{
    InvalidJson,
    InvalidRequest,
    UnsupportedMediaType,
    InvalidApiKey,
    KeyRevoked,
    KeyExpired,
    GuardrailBlocked,
    ModelNotAllowed,
    TenantMismatch,
    ModelNotFound,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    BudgetExceeded,
    RateLimitExceeded,
    CountersUnavailable,
    UpstreamError,
    UpstreamUnavailable,
    UpstreamTimeout,
    NotReady,
    InternalError,
}
