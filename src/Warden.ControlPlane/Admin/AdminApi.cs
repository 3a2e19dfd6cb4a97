using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.ControlPlane.Admin.Endpoints;
using Warden.ControlPlane.Audit;
using Warden.ControlPlane.Reconcile;

namespace Warden.ControlPlane.Admin;

/// <summary>Registers and maps the admin API under <c>/api</c>, with its OpenAPI document at <c>/api/openapi.json</c>.</summary>
public static class AdminApi
{
    /// <summary>Services the admin API needs.</summary>
    public static IServiceCollection AddAdminApi(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<AdminContext>();
        services.AddBackgroundJob<AuditPruneJob>();
        services.AddSingleton<AdminAuthenticator>();
        services.ConfigureHttpJsonOptions(options => AdminJson.Configure(options.SerializerOptions));
        services.AddProblemDetails();
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Warden admin API";
            document.Info.Description = "Organizations, projects, keys, providers, routes, budgets, limits and audit. "
                + "Authenticate with 'Authorization: Bearer <access token or bootstrap admin token>'. "
                + "Errors are RFC 7807 problem details; lists take ?limit= (1-200) and ?offset=.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>
    /// Answers admin requests that no endpoint handled (unknown route, wrong method, wrong content type) with problem
    /// details too. Call before the endpoints are mapped.
    /// </summary>
    public static IApplicationBuilder UseAdminApiProblems(this IApplicationBuilder app) =>
        app.UseWhen(static http => http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase), static branch => branch.UseStatusCodePages());

    /// <summary>Maps every admin endpoint.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapOpenApi("/api/openapi.json");
        var api = endpoints.MapGroup("/api").AddEndpointFilter<AdminEndpointFilter>();
        api.MapOrganizationEndpoints();
        api.MapProjectEndpoints();
        api.MapConsumerEndpoints();
        api.MapKeyEndpoints();
        api.MapIdentityEndpoints();
        api.MapProjectConfigEndpoints();
        api.MapAuditEndpoints();
        api.MapGatewayEndpoints();
        return endpoints;
    }

    /// <summary>Documents a JSON request body for the OpenAPI document (handlers read bodies themselves).</summary>
    public static RouteHandlerBuilder AcceptsJson<TRequest>(this RouteHandlerBuilder builder) where TRequest : notnull =>
        builder.Accepts<TRequest>("application/json").ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
}
