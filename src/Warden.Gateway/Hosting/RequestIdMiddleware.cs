using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Warden.Gateway.Hosting;

/// <summary>
/// Gives every response an <c>x-request-id</c>: the current trace id when tracing is on, otherwise the connection-scoped
/// request identifier. Clients quote it in support requests; logs and usage records carry the same value.
/// </summary>
public sealed class RequestIdMiddleware
{
    /// <summary>The response header name.</summary>
    public const string HeaderName = "x-request-id";

    private readonly RequestDelegate _next;

    public RequestIdMiddleware(RequestDelegate next)
    {
        _next = next;
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
        context.TraceIdentifier = id;
        context.Response.Headers[HeaderName] = id;
        return _next(context);
    }
}
