using System.Net.Mime;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Warden.ControlPlane.Admin;

/// <summary>
/// Reads admin request bodies: JSON content type, at most 1 MiB, unknown properties refused (a typo is an error,
/// not a silently ignored setting), and a JSON error reported as a problem naming the field.
/// </summary>
public static partial class AdminJson
{
    /// <summary>Largest accepted admin request body.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The serializer settings of the admin API (requests and responses).</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the admin API's JSON settings to <paramref name="options"/>.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter());
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        return options;
    }

    /// <summary>Reads the body as <typeparamref name="T"/> or throws a problem.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentType is not { } contentType || !contentType.StartsWith(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase))
        {
            throw new AdminBadRequestException(StatusCodes.Status415UnsupportedMediaType, "The request body must be JSON (Content-Type: application/json).");
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            throw new AdminBadRequestException(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {MaxBodyBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new AdminBadRequestException(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {MaxBodyBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw new AdminBadRequestException(StatusCodes.Status400BadRequest, "The request body is empty; a JSON object is required.");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Options)
                ?? throw new AdminBadRequestException(StatusCodes.Status400BadRequest, "The request body must be a JSON object, not null.");
        }
        catch (JsonException ex)
        {
            var field = FieldName(ex.Path);
            var missing = MissingProperty().Match(ex.Message);
            if (missing.Success)
            {
                throw new AdminValidationException(field == "$" ? missing.Groups[1].Value : field + "." + missing.Groups[1].Value, "is required.");
            }

            var message = ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "is not a known property."
                : ex.Message.Contains("null", StringComparison.OrdinalIgnoreCase) && ex.Message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase) ? "must not be null."
                : "has an invalid value or the JSON is malformed.";
            throw new AdminValidationException(field, message);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("missing required properties including: '([^']+)'", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex MissingProperty();

    private static string FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
