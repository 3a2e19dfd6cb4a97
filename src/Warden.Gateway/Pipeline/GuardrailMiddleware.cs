using Microsoft.AspNetCore.Http;
using Warden.Gateway.Gates;

namespace Warden.Gateway.Pipeline;

/// <summary>Gate 2: runs <see cref="IGuardrailGate"/> once the body is parsed; reports masking in <c>x-warden-pii-masked</c>.</summary>
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

            if (feature.MaskedPii > 0)
            {
                // Tells the caller the forwarded text differs from what it sent (the count, never the content).
                context.Response.Headers["x-warden-pii-masked"] = feature.MaskedPii.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        await _next(context);
    }
}
