using Microsoft.AspNetCore.Http;
using Warden.Gateway.Gates;

namespace Warden.Gateway.Pipeline;

/// <summary>
/// Gate 4: reserves budget and limits before the call and settles them after it, exactly once — early, through
/// <see cref="IBudgetSettlementFeature"/>, when the provider stage knows the usage before it writes the answer.
/// </summary>
public sealed class BudgetMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IBudgetGate _gate;

    public BudgetMiddleware(RequestDelegate next, IBudgetGate gate)
    {
        _next = next;
        _gate = gate;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<IGatewayRequestFeature>();
        if (feature?.Route is null)
        {
            await _next(context);
            return;
        }

        var (decision, reservation) = await _gate.ReserveAsync(feature, context.RequestAborted);
        if (!decision.Passed)
        {
            await GateResponses.WriteAsync(context, decision);
            return;
        }

        if (reservation is null)
        {
            await _next(context);
            return;
        }

        var settlement = new Settlement(reservation);
        context.Features.Set<IBudgetSettlementFeature>(settlement);
        try
        {
            await _next(context);
        }
        finally
        {
            // Settled even when the client went away: the capacity must not stay held. A no-op when the provider
            // stage already settled before writing the answer.
            var outcome = context.Features.Get<IUsageOutcomeFeature>();
            await settlement.SettleAsync(outcome?.Usage, outcome?.Target);
        }
    }

    private sealed class Settlement(IBudgetReservation reservation) : IBudgetSettlementFeature
    {
        private int _settled;

        public ValueTask SettleAsync(Core.Usage.TokenUsage? actualUsage, Core.Snapshots.RouteTargetEntry? servedBy) =>
            Interlocked.Exchange(ref _settled, 1) == 0
                ? reservation.SettleAsync(actualUsage, servedBy, CancellationToken.None)
                : ValueTask.CompletedTask;
    }
}
