using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.ControlPlane.Audit;
using Warden.Core.Diagnostics;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin;

/// <summary>
/// Runs around every admin endpoint: authenticates the bearer token (401 problem without a valid one), then turns
/// <see cref="AdminProblemException"/>s into problem details. A denied mutation is also written to the audit log with
/// outcome <c>denied</c>, in a transaction of its own, before the 403 goes out.
/// </summary>
public sealed partial class AdminEndpointFilter : IEndpointFilter
{
    /// <summary>Endpoint metadata marking a route that needs no credential (the OpenAPI document).</summary>
    public sealed class AllowAnonymous;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<AllowAnonymous>() is not null)
        {
            return await next(context);
        }

        var admin = http.RequestServices.GetRequiredService<AdminContext>();
        var authenticator = http.RequestServices.GetRequiredService<AdminAuthenticator>();
        var principal = await authenticator.AuthenticateAsync(http.Request, admin.Db, admin.Now, http.RequestAborted);
        if (principal is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem(http, StatusCodes.Status401Unauthorized, "Unauthorized",
                "Send 'Authorization: Bearer <token>' with an access token or the bootstrap admin token.");
        }

        admin.Principal = principal;
        try
        {
            return await next(context);
        }
        catch (AdminDeniedException denied)
        {
            var isRead = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
            if (!isRead || http.GetEndpoint()?.Metadata.GetMetadata<AuditedRead>() is not null)
            {
                var record = admin.Record(denied.Action, denied.OrganizationSlug, denied.Target, AuditOutcome.Denied, denied.Status);
                await AuditChain.AppendStandaloneAsync(admin.Contexts, record, admin.Now, CancellationToken.None);
            }

            LogDenied(http.RequestServices.GetRequiredService<ILogger<AdminEndpointFilter>>(), principal.Actor, denied.Action, denied.OrganizationSlug);
            return Problem(http, denied.Status, denied.Title, denied.Message);
        }
        catch (AdminValidationException invalid)
        {
            return Results.ValidationProblem(invalid.Errors, invalid.Message, title: invalid.Title,
                extensions: new Dictionary<string, object?> { ["requestId"] = http.TraceIdentifier });
        }
        catch (AdminProblemException problem)
        {
            return Problem(http, problem.Status, problem.Title, problem.Message);
        }
    }

    /// <summary>An RFC 7807 problem response carrying the request id.</summary>
    public static IResult Problem(HttpContext http, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Results.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["requestId"] = http.TraceIdentifier });
    }

    [LoggerMessage(EventId = WardenEventIds.AdminDenied, Level = LogLevel.Warning, Message = "Admin action {Action} denied to {Actor} (organization {Organization})")]
    private static partial void LogDenied(ILogger logger, string actor, string action, string? organization);
}
