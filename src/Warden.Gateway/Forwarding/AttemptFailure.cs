namespace Warden.Gateway.Forwarding;

/// <summary>Why an attempt on a target failed before the commit point (each is retryable or falls back).</summary>
public enum AttemptFailure
{
    None,
    ConnectFailed,
    Timeout,
    RateLimited,
    ServerError,
    StreamBroken,
    CircuitOpen,
    CredentialUnavailable,
    Unsupported,
}
