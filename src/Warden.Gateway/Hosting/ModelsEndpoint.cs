using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Pipeline;

namespace Warden.Gateway.Hosting;

/// <summary><c>GET /v1/models</c>: the logical models the presented key may use, in OpenAI's list format.</summary>
public static class ModelsEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<IGatewayRequestFeature>()!;
        var consumer = feature.Key!.Consumer;
        var project = consumer.Project;
        var owner = project.OrganizationSlug + "." + project.Slug;
        var created = feature.Snapshot.CreatedAt.ToUnixTimeSeconds();

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "list");
            writer.WriteStartArray("data"u8);
            foreach (var model in project.Routes.Keys.Order(StringComparer.Ordinal))
            {
                if (!consumer.MayUse(model))
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("id"u8, model);
                writer.WriteString("object"u8, "model");
                writer.WriteNumber("created"u8, created);
                writer.WriteString("owned_by"u8, owner);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
