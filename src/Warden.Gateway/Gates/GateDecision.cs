using Warden.Core.Errors;

namespace Warden.Gateway.Gates;

/// <summary>The outcome of a gate: pass, or stop the request with an error.</summary>
public readonly record struct GateDecision(GatewayError? Error, string? Message = null, string? Param = null, TimeSpan? RetryAfter = null)
{
    /// <summary>Let the request continue.</summary>
    public static GateDecision Pass => default;

    /// <summary>True when the request may continue.</summary>
    public bool Passed => Error is null;
}
