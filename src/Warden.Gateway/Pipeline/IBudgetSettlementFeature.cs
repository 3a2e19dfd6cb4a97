using Warden.Core.Snapshots;
using Warden.Core.Usage;

namespace Warden.Gateway.Pipeline;

/// <summary>
/// Lets the provider stage settle the request's budget reservation as soon as the usage is known — before the last
/// bytes reach the client, so a client that sends its next request the moment it has the answer is admitted against
/// settled counters, not against this request's worst-case reservation. Settling happens once; the budget gate
/// settles whatever was not settled early when the request ends.
/// </summary>
public interface IBudgetSettlementFeature
{
    /// <summary>Settles with the actual usage (see <see cref="Gates.IBudgetReservation.SettleAsync"/>); later calls do nothing.</summary>
    ValueTask SettleAsync(TokenUsage? actualUsage, RouteTargetEntry? servedBy);
}
