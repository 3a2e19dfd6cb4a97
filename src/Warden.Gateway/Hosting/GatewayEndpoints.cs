using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Errors;
using Warden.Gateway.Errors;
using Warden.Gateway.Forwarding;
using Warden.Gateway.Pipeline;
using Warden.Gateway.Snapshots;
using Warden.Providers.Abstractions;

namespace Warden.Gateway.Hosting;

/// <summary>The data plane's endpoints: probes and the OpenAI-compatible API.</summary>
public static class GatewayEndpoints
{
    /// <summary>Maps <c>/healthz</c> and <c>/readyz</c>.</summary>
    public static IEndpointRouteBuilder MapGatewayProbes(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", (SnapshotStore store) => store.Current is { } snapshot
            ? Results.Json(new ReadyzResponse("ready", snapshot.Revision), GatewayJsonContext.Default.ReadyzResponse)
            : Results.Json(new ReadyzResponse("not_ready", null), GatewayJsonContext.Default.ReadyzResponse, statusCode: StatusCodes.Status503ServiceUnavailable));
        return endpoints;
    }

    /// <summary>Maps the OpenAI-compatible API under <c>/v1</c>.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var forwarder = endpoints.ServiceProvider.GetRequiredService<ProviderForwarder>();
        endpoints.MapPost("/v1/chat/completions", forwarder.ForwardAsync).WithMetadata(new GatewayOperation(OperationKind.ChatCompletions));
        endpoints.MapPost("/v1/completions", forwarder.ForwardAsync).WithMetadata(new GatewayOperation(OperationKind.Completions));
        endpoints.MapPost("/v1/embeddings", forwarder.ForwardAsync).WithMetadata(new GatewayOperation(OperationKind.Embeddings));
        endpoints.MapGet("/v1/models", ModelsEndpoint.HandleAsync).WithMetadata(new GatewayOperation(null));

        // Known paths with the wrong method get a JSON 405 rather than an empty one.
        foreach (var path in new[] { "/v1/chat/completions", "/v1/completions", "/v1/embeddings" })
        {
            endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch, HttpMethods.Options], context => MethodNotAllowedAsync(context, "POST"));
        }

        endpoints.MapMethods("/v1/models", [HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch, HttpMethods.Options], context => MethodNotAllowedAsync(context, "GET"));
        return endpoints;
    }

    /// <summary>Answers requests that matched no endpoint: 503 <c>not_ready</c> before the first snapshot, else 404.</summary>
    public static Task AnswerUnmatchedAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var store = context.RequestServices.GetRequiredService<SnapshotStore>();
        return store.IsReady
            ? ErrorResponseWriter.WriteAsync(context, GatewayError.NotFound, $"No endpoint {context.Request.Method} {context.Request.Path}.")
            : ErrorResponseWriter.WriteAsync(context, GatewayError.NotReady);
    }

    private static Task MethodNotAllowedAsync(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return ErrorResponseWriter.WriteAsync(context, GatewayError.MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}; use {allowed}.");
    }
}
