using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Warden.Core.Errors;
using Warden.Gateway.Errors;
using Warden.Gateway.Snapshots;

namespace Warden.Gateway.Pipeline;

/// <summary>
/// Entry of the gate chain for API endpoints: pins the snapshot in force for the whole request, or answers 503
/// <c>not_ready</c> when none has been applied yet.
/// </summary>
public sealed class SnapshotMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SnapshotStore _store;

    public SnapshotMiddleware(RequestDelegate next, SnapshotStore store)
    {
        _next = next;
        _store = store;
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var operation = context.GetEndpoint()?.Metadata.GetMetadata<GatewayOperation>();
        if (operation is null)
        {
            return _next(context);
        }

        var snapshot = _store.Current;
        if (snapshot is null)
        {
            return ErrorResponseWriter.WriteAsync(context, GatewayError.NotReady);
        }

        context.Features.Set<IGatewayRequestFeature>(new GatewayRequestFeature(snapshot, operation, context.TraceIdentifier, Stopwatch.GetTimestamp()));
        return _next(context);
    }
}
