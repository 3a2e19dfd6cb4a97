using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Warden.MockProvider.Http;

/// <summary>
/// Error bodies in each provider's real shape: OpenAI <c>{"error":{"message","type","param","code"}}</c>, Anthropic
/// <c>{"type":"error","error":{"type","message"},"request_id"}</c>. Injected failures (<c>--fail-status</c>,
/// <c>x-mock-status</c>, <c>@status=</c>) use the messages and types the providers send for that status.
/// </summary>
internal static class MockErrors
{
    /// <summary>Seconds sent in <c>retry-after</c> with an injected 429.</summary>
    public const int RetryAfterSeconds = 1;

    public static Task WriteOpenAiAsync(HttpContext context, int status, string message, string type, string? param = null, string? code = null)
    {
        context.Response.Headers["x-request-id"] = MockIds.Request();
        return JsonResponse.WriteAsync(context.Response, status, (message, type, param, code), static (writer, e) =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", e.message);
            writer.WriteString("type", e.type);
            writer.WriteString("param", e.param);
            writer.WriteString("code", e.code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    public static Task WriteAnthropicAsync(HttpContext context, int status, string type, string message)
    {
        var requestId = MockIds.Request();
        context.Response.Headers["request-id"] = requestId;
        return JsonResponse.WriteAsync(context.Response, status, (type, message, requestId), static (writer, e) =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteStartObject("error");
            writer.WriteString("type", e.type);
            writer.WriteString("message", e.message);
            writer.WriteEndObject();
            writer.WriteString("request_id", e.requestId);
            writer.WriteEndObject();
        });
    }

    /// <summary>A 400 for a malformed or incomplete request, in the flavour of the endpoint.</summary>
    public static Task WriteInvalidRequestAsync(HttpContext context, ApiFlavor flavor, string message, string? param = null, string? code = null) =>
        flavor == ApiFlavor.Anthropic
            ? WriteAnthropicAsync(context, StatusCodes.Status400BadRequest, "invalid_request_error", message)
            : WriteOpenAiAsync(context, StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    /// <summary>A 404 for a path the mock does not serve (OpenAI answers <c>Invalid URL (METHOD /path)</c>).</summary>
    public static Task WriteUnknownPathAsync(HttpContext context)
    {
        var request = context.Request;
        return request.Path.StartsWithSegments("/v1/messages", StringComparison.Ordinal)
            ? WriteAnthropicAsync(context, StatusCodes.Status404NotFound, "not_found_error", "Not Found")
            : WriteOpenAiAsync(context, StatusCodes.Status404NotFound, $"Invalid URL ({request.Method} {request.Path})", "invalid_request_error");
    }

    /// <summary>The failure a real provider sends for <paramref name="status"/>.</summary>
    public static Task WriteInjectedAsync(HttpContext context, ApiFlavor flavor, int status, string model)
    {
        if (status == StatusCodes.Status429TooManyRequests)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        return flavor == ApiFlavor.Anthropic ? WriteInjectedAnthropicAsync(context, status, model) : WriteInjectedOpenAiAsync(context, status, model);
    }

    private static Task WriteInjectedOpenAiAsync(HttpContext context, int status, string model)
    {
        if (status == StatusCodes.Status429TooManyRequests)
        {
            var headers = context.Response.Headers;
            headers["x-ratelimit-limit-requests"] = "60";
            headers["x-ratelimit-remaining-requests"] = "0";
            headers["x-ratelimit-reset-requests"] = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        var name = model.Length > 0 ? model : "the model";
        return status switch
        {
            400 => WriteOpenAiAsync(context, status, "Invalid request (failure injected by the mock provider).", "invalid_request_error"),
            401 => WriteOpenAiAsync(context, status, "Incorrect API key provided: sk-mock****. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", code: "invalid_api_key"),
            403 => WriteOpenAiAsync(context, status, $"Project `proj_mock` does not have access to model `{name}`", "invalid_request_error", code: "model_not_found"),
            404 => WriteOpenAiAsync(context, status, $"The model `{name}` does not exist or you do not have access to it.", "invalid_request_error", code: "model_not_found"),
            429 => WriteOpenAiAsync(context, status, $"Rate limit reached for {name} in organization org-mock on requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in {RetryAfterSeconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.", "requests", code: "rate_limit_exceeded"),
            500 => WriteOpenAiAsync(context, status, "The server had an error while processing your request. Sorry about that!", "server_error"),
            502 => WriteOpenAiAsync(context, status, "Bad gateway.", "server_error"),
            503 => WriteOpenAiAsync(context, status, "The server is overloaded or not ready yet.", "server_error"),
            504 => WriteOpenAiAsync(context, status, "Gateway timeout.", "server_error"),
            < 500 => WriteOpenAiAsync(context, status, Invariant($"Request failed with status {status} (failure injected by the mock provider)."), "invalid_request_error"),
            _ => WriteOpenAiAsync(context, status, Invariant($"The server had an error while processing your request (status {status}, failure injected by the mock provider)."), "server_error"),
        };
    }

    private static Task WriteInjectedAnthropicAsync(HttpContext context, int status, string model) => status switch
    {
        400 => WriteAnthropicAsync(context, status, "invalid_request_error", "Invalid request (failure injected by the mock provider)."),
        401 => WriteAnthropicAsync(context, status, "authentication_error", "invalid x-api-key"),
        402 => WriteAnthropicAsync(context, status, "billing_error", "Your credit balance is too low to access the Anthropic API."),
        403 => WriteAnthropicAsync(context, status, "permission_error", "Your API key does not have permission to use the specified resource."),
        404 => WriteAnthropicAsync(context, status, "not_found_error", "model: " + model),
        413 => WriteAnthropicAsync(context, status, "request_too_large", "Request exceeds the maximum allowed number of bytes."),
        429 => WriteAnthropicAsync(context, status, "rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits."),
        500 => WriteAnthropicAsync(context, status, "api_error", "Internal server error"),
        503 or 529 => WriteAnthropicAsync(context, status, "overloaded_error", "Overloaded"),
        504 => WriteAnthropicAsync(context, status, "timeout_error", "Request timed out"),
        < 500 => WriteAnthropicAsync(context, status, "invalid_request_error", Invariant($"Request failed with status {status} (failure injected by the mock provider).")),
        _ => WriteAnthropicAsync(context, status, "api_error", Invariant($"Internal server error (status {status}, failure injected by the mock provider).")),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
