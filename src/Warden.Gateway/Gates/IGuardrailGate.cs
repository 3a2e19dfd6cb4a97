using Warden.Gateway.Pipeline;

namespace Warden.Gateway.Gates;

/// <summary>
/// Gate 2: guardrails over the request's user-controlled text (PII mask/block, prompt-injection checks). May replace
/// the request body (masking) by setting <see cref="IGatewayRequestFeature.Body"/>.
/// </summary>
public interface IGuardrailGate
{
    /// <summary>Checks the request; a failed decision stops it (403 <c>guardrail_blocked</c>).</summary>
    ValueTask<GateDecision> CheckAsync(IGatewayRequestFeature request, CancellationToken cancellationToken);
}
