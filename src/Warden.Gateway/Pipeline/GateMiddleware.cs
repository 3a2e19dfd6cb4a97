using System.Globalization;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Errors;
using Warden.Gateway.Gates;

namespace Warden.Gateway.Pipeline;

/// <summary>Writes a failed <see cref="GateDecision"/> as the error response.</summary>
internal static class GateResponses
{
    public static Task WriteAsync(HttpContext context, GateDecision decision)
    {
        if (decision.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return ErrorResponseWriter.WriteAsync(context, decision.Error!.Value, decision.Message, decision.Param);
    }
}

/// <summary>Gate 2: runs <see cref="IGuardrailGate"/> once the body is parsed.</summary>
public sealed class GuardrailMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IGuardrailGate _gate;

    public GuardrailMiddleware(RequestDelegate next, IGuardrailGate gate)
    {
        _next = next;
        _gate = gate;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<IGatewayRequestFeature>();
        if (feature?.Facts is not null)
        {
            var decision = await _gate.CheckAsync(feature, context.RequestAborted);
            if (!decision.Passed)
            {
                await GateResponses.WriteAsync(context, decision);
                return;
            }
        }

        await _next(context);
    }
}

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
            await reservation.SettleAsync(context.Features.Get<IUsageOutcomeFeature>()?.Usage, CancellationToken.None);
        }
    }
}

/// <summary>Gate 5: answers from the response cache when it can.</summary>
public sealed class CacheMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IResponseCache _cache;

    public CacheMiddleware(RequestDelegate next, IResponseCache cache)
    {
        _next = next;
        _cache = cache;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<IGatewayRequestFeature>();
        if (feature?.Route is not null && await _cache.TryServeAsync(context, feature))
        {
            return;
        }

        await _next(context);
    }
}
