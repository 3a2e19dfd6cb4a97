using Microsoft.AspNetCore.Http;
using Warden.Gateway.Gates;

namespace Warden.Gateway.Pipeline;

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
