using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.MockProvider.Http;

namespace Warden.MockProvider.Stats;

/// <summary><c>GET /mock/stats</c> and <c>POST /mock/stats/reset</c>; neither is counted nor affected by the controls.</summary>
internal static class MockStatsEndpoints
{
    public const string Prefix = "/mock";

    public static IEndpointRouteBuilder MapMockStats(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/mock/stats", WriteAsync);
        endpoints.MapPost("/mock/stats/reset", context =>
        {
            context.RequestServices.GetRequiredService<MockStats>().Reset();
            return WriteAsync(context);
        });
        return endpoints;
    }

    /// <summary>Counts every request except the mock's own endpoints and <c>/healthz</c>.</summary>
    public static IApplicationBuilder UseMockStats(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(Prefix, StringComparison.Ordinal) || path == "/healthz")
        {
            await next(context);
            return;
        }

        var stats = context.RequestServices.GetRequiredService<MockStats>();
        stats.RecordPath(path.Value ?? "/");
        stats.RequestStarted();
        try
        {
            await next(context);
        }
        finally
        {
            stats.RequestEnded();
        }
    });

    private static Task WriteAsync(HttpContext context) =>
        JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, context.RequestServices.GetRequiredService<MockStats>(), static (writer, stats) => stats.WriteTo(writer));
}
