using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.ControlPlane.Reconcile;

namespace Warden.ControlPlane.Internal;

/// <summary>
/// Endpoints only gateways call, under <c>/internal</c>, authenticated with the internal token (constant-time compare).
/// Without a configured token every call is refused: the channel fails closed.
/// </summary>
public static class InternalEndpoints
{
    /// <summary>Response header carrying the snapshot's content id.</summary>
    public const string ContentIdHeader = "x-warden-snapshot-id";

    /// <summary>Response header carrying the snapshot's revision.</summary>
    public const string RevisionHeader = "x-warden-revision";

    private static readonly TimeSpan s_maxWait = TimeSpan.FromSeconds(60);

    public static IEndpointRouteBuilder MapInternalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/internal/snapshot", GetSnapshotAsync);
        return endpoints;
    }

    /// <summary>
    /// <c>GET /internal/snapshot?after=ID&amp;wait=SECONDS&amp;gateway=NAME&amp;revision=N</c>: 200 with the snapshot when
    /// its content id is not <c>after</c>, else 304 after waiting up to <c>wait</c> seconds (long-poll).
    /// </summary>
    private static async Task GetSnapshotAsync(HttpContext context, SnapshotHub hub, ControlPlaneOptions options, TimeProvider time)
    {
        if (!IsAuthorized(context.Request, options.InternalToken))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var query = context.Request.Query;
        var after = query["after"].ToString();
        var wait = double.TryParse(query["wait"], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, s_maxWait.TotalSeconds))
            : TimeSpan.Zero;
        var gateway = query["gateway"].ToString();
        if (gateway.Length is > 0 and <= 200)
        {
            long? revision = long.TryParse(query["revision"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : null;
            hub.Report(new GatewayReport(gateway, after.Length > 0 ? after : null, revision, time.GetUtcNow()));
        }

        PublishedSnapshot? snapshot;
        try
        {
            snapshot = await hub.WaitForChangeAsync(after.Length > 0 ? after : null, wait, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (snapshot is null)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.Headers[ContentIdHeader] = snapshot.ContentId;
        context.Response.Headers[RevisionHeader] = snapshot.Revision.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentLength = snapshot.Payload.Length;
        await context.Response.Body.WriteAsync(snapshot.Payload, context.RequestAborted);
    }

    private static bool IsAuthorized(HttpRequest request, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[7..]), Encoding.UTF8.GetBytes(token));
    }
}
