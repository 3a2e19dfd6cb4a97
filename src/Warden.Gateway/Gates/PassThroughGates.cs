using Microsoft.AspNetCore.Http;
using Warden.Gateway.Pipeline;

namespace Warden.Gateway.Gates;

/// <summary>
/// The gates' behaviour when no policy is configured for them: no guardrails, no budget or limit, no cache. Each is a
/// real stage of the chain; the policy implementations replace these registrations.
/// </summary>
public sealed class PassThroughGates : IGuardrailGate, IBudgetGate, IResponseCache
{
    /// <inheritdoc />
    public ValueTask<GateDecision> CheckAsync(IGatewayRequestFeature request, CancellationToken cancellationToken) => ValueTask.FromResult(GateDecision.Pass);

    /// <inheritdoc />
    public ValueTask<(GateDecision Decision, IBudgetReservation? Reservation)> ReserveAsync(IGatewayRequestFeature request, CancellationToken cancellationToken) =>
        ValueTask.FromResult<(GateDecision, IBudgetReservation?)>((GateDecision.Pass, null));

    /// <inheritdoc />
    public ValueTask<bool> TryServeAsync(HttpContext context, IGatewayRequestFeature request) => ValueTask.FromResult(false);
}
