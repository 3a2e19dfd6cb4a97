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
