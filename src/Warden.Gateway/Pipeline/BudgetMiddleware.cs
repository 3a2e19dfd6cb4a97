using Microsoft.AspNetCore.Http;
using Warden.Gateway.Gates;

namespace Warden.Gateway.Pipeline;

/// <summary>Gate 4: reserves budget and limits before the call and settles them after it, exactly once.</summary>
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

        try
        {
            await _next(context);
        }
        finally
        {
            // Settled even when the client went away: the capacity must not stay held.
            var outcome = context.Features.Get<IUsageOutcomeFeature>();
            await reservation.SettleAsync(outcome?.Usage, outcome?.Target, CancellationToken.None);
        }
    }
}
