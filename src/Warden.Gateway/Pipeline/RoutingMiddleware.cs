using Microsoft.AspNetCore.Http;
using Warden.Core.Errors;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Pipeline;

/// <summary>
/// Gate 3, routing: the logical model must be a route of the key's project (404 <c>model_not_found</c>) that the
/// consumer's groups allow (403 <c>model_not_allowed</c>).
/// </summary>
public sealed class RoutingMiddleware
{
    private readonly RequestDelegate _next;

    public RoutingMiddleware(RequestDelegate next)
    {
        _next = next;
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<IGatewayRequestFeature>();
        if (feature?.Facts is not { } facts || feature.Key is not { } key)
        {
            return _next(context);
        }

        var consumer = key.Consumer;
        if (!consumer.Project.Routes.TryGetValue(facts.Model, out var route))
        {
            return ErrorResponseWriter.WriteAsync(context, GatewayError.ModelNotFound,
                $"The model '{facts.Model}' does not exist in project '{consumer.Project.OrganizationSlug}.{consumer.Project.Slug}'.", "model");
        }

        if (!consumer.MayUse(facts.Model))
        {
            return ErrorResponseWriter.WriteAsync(context, GatewayError.ModelNotAllowed,
                $"This key may not use the model '{facts.Model}'.", "model");
        }

        feature.Route = route;
        return _next(context);
    }
}
