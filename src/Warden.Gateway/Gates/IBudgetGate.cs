using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Gateway.Pipeline;

namespace Warden.Gateway.Gates;

/// <summary>
/// Gate 4: budgets and limits. Admission reserves the worst case on every applicable scope; the returned reservation
/// is settled with the real usage once the request is over (exactly once, whatever happened).
/// </summary>
public interface IBudgetGate
{
    /// <summary>Reserves capacity for the request, or refuses it (429 with scope and <c>Retry-After</c>).</summary>
    ValueTask<(GateDecision Decision, IBudgetReservation? Reservation)> ReserveAsync(IGatewayRequestFeature request, CancellationToken cancellationToken);
}

/// <summary>Capacity held for one request until it is settled.</summary>
public interface IBudgetReservation
{
    /// <summary>
    /// Replaces the reservation with the actual usage (null: nothing was consumed) and releases the rest.
    /// <paramref name="servedBy"/> is the target that produced the usage (its price applies); null when unknown.
    /// </summary>
    ValueTask SettleAsync(TokenUsage? actualUsage, RouteTargetEntry? servedBy, CancellationToken cancellationToken);
}
