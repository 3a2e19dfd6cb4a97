using Microsoft.AspNetCore.Http;
using Warden.Gateway.Gates;

namespace Warden.Gateway.Pipeline;

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
