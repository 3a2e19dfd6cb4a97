using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.ControlPlane.Budgets;
using Warden.ControlPlane.Reconcile;
using Warden.ControlPlane.Usage;
using Warden.Core.Budgets;
using Warden.Core.Budgets.Wire;
using Warden.Core.Snapshots.Wire;

namespace Warden.ControlPlane.Internal;

/// <summary>
/// Endpoints only gateways call, under <c>/internal</c>, authenticated with the internal token (constant-time compare).
/// Without a configured token every call is refused: the channel fails closed.
/// </summary>
public static class InternalEndpoints
{
    private static readonly TimeSpan s_maxWait = TimeSpan.FromSeconds(60);

    public static IEndpointRouteBuilder MapInternalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/internal/snapshot", GetSnapshotAsync);
        endpoints.MapUsageIngest();
        endpoints.MapGet("/internal/spend", GetSpendAsync);
        return endpoints;
    }

    /// <summary>
    /// <c>GET /internal/snapshot?config=ID&amp;keys=BASE&amp;seq=N&amp;wait=SECONDS&amp;gateway=NAME&amp;revision=N</c>: the gateway
    /// says what it has; 200 with a <see cref="SnapshotUpdateWire"/> holding only what it lacks, else 304 after waiting
    /// up to <c>wait</c> seconds (long-poll). See docs/reconcile.md.
    /// </summary>
    private static async Task GetSnapshotAsync(HttpContext context, SnapshotHub hub, ControlPlaneOptions options, TimeProvider time)
    {
        if (!BearerToken.Matches(context.Request, options.InternalToken))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var query = context.Request.Query;
        var wait = double.TryParse(query["wait"], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, s_maxWait.TotalSeconds))
            : TimeSpan.Zero;
        var position = new GatewayPosition(
            NullIfEmpty(query["config"].ToString()),
            NullIfEmpty(query["keys"].ToString()),
            long.TryParse(query["seq"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq) ? seq : 0);
        var gateway = query["gateway"].ToString();
        if (gateway.Length is > 0 and <= 200)
        {
            long? revision = long.TryParse(query["revision"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : null;
            hub.Report(new GatewayReport(gateway, revision, position.ConfigId, position.KeyBaseId, position.KeyBaseId is null ? null : position.KeySequence, wait, time.GetUtcNow()));
        }

        SnapshotUpdate? update;
        try
        {
            update = await hub.WaitForUpdateAsync(position, wait, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (update is null)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await WriteAsync(context.Response.BodyWriter, update, context.RequestAborted);
    }

    /// <summary>
    /// <c>GET /internal/spend?month=yyyy-MM&amp;scope=consumer:ID&amp;scope=group:ID…</c>: month-to-date ledger spend per
    /// scope (kinds <c>org</c>, <c>project</c>, <c>group</c>, <c>consumer</c>; at most 64 scopes), for gateways seeding
    /// absent budget counters. 400 on a malformed month or scope; 503 when the database cannot be read.
    /// </summary>
    private static async Task GetSpendAsync(HttpContext context, LedgerSpendReader ledger, ControlPlaneOptions options)
    {
        if (!BearerToken.Matches(context.Request, options.InternalToken))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var query = context.Request.Query;
        var month = query["month"].ToString();
        var scopeValues = query["scope"];
        if (!BudgetPeriods.TryParseMonth(month, out var monthStart) || scopeValues.Count is 0 or > 64)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var scopes = new List<ScopeRef>(scopeValues.Count);
        foreach (var value in scopeValues)
        {
            var colon = value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon <= 0 || !AdmissionPlanner.TryParseScopeLabel(value![..colon], out var kind) || !Guid.TryParse(value.AsSpan(colon + 1), out var id))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            scopes.Add(new ScopeRef(kind, id));
        }

        IReadOnlyList<ScopeSpend> spend;
        try
        {
            spend = await ledger.GetMonthToDateAsync(monthStart, scopes, context.RequestAborted);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var wire = new SpendWire { Month = month };
        foreach (var entry in spend)
        {
            wire.Scopes.Add(new ScopeSpendWire { Scope = AdmissionPlanner.ScopeLabel(entry.Scope.Scope), Id = entry.Scope.Id, Usd = entry.Usd });
        }

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, wire, SpendWireJsonContext.Default.SpendWire, context.RequestAborted);
    }

    /// <summary>
    /// Writes the update envelope around the pre-serialized parts (the configuration part and the key base are
    /// serialized once per change, not per gateway).
    /// </summary>
    private static async Task WriteAsync(PipeWriter body, SnapshotUpdate update, CancellationToken cancellationToken)
    {
        var head = update.Head;
        // Over the response's PipeWriter: the writer only fills buffers, flushing to the socket is asynchronous.
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartObject();
        writer.WriteNumber("revision", head.Revision);
        writer.WriteString("configId", head.ConfigId);
        writer.WriteString("keyBaseId", head.Keys.BaseId);
        writer.WriteNumber("keySequence", head.Keys.Sequence);
        writer.WriteNumber("keyBaseSequence", head.Keys.BaseSequence);
        if (update.IncludeConfig)
        {
            writer.WritePropertyName("config");
            writer.WriteRawValue(head.ConfigPayload, skipInputValidation: true);
        }

        if (update.IncludeKeyBase)
        {
            writer.WritePropertyName("keyBase");
            writer.WriteRawValue(head.Keys.BasePayload.Value, skipInputValidation: true);
            writer.Flush();
            await body.FlushAsync(cancellationToken);
        }

        if (update.KeyDelta is { } delta)
        {
            writer.WritePropertyName("keyDelta");
            JsonSerializer.Serialize(writer, delta, SnapshotWireJsonContext.Default.KeyDeltaWire);
        }

        writer.WriteEndObject();
        writer.Flush();
        await body.FlushAsync(cancellationToken);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
