using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Warden.Core.Errors;

namespace Warden.Gateway.Errors;

/// <summary>Writes the OpenAI-style error body <c>{"error":{"message","type","code","param"}}</c>.</summary>
public static class ErrorResponseWriter
{
    /// <summary>Sets status and content type and writes the error body for <paramref name="error"/>.</summary>
    public static async Task WriteAsync(HttpContext context, GatewayError error, string? message = null, string? param = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var descriptor = ErrorCatalogue.Describe(error);
        var response = context.Response;
        response.StatusCode = descriptor.Status;
        response.ContentType = "application/json";

        await using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", message ?? descriptor.DefaultMessage);
            writer.WriteString("type", descriptor.Type);
            writer.WriteString("code", descriptor.Code);
            if (param is null)
            {
                writer.WriteNull("param");
            }
            else
            {
                writer.WriteString("param", param);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
