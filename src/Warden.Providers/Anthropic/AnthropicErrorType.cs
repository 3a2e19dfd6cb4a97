namespace Warden.Providers.Anthropic;

/// <summary>Maps Anthropic error types (<c>error.type</c>) to OpenAI error types.</summary>
internal static class AnthropicErrorType
{
    /// <summary>
    /// The OpenAI <c>type</c> for an Anthropic error type. Types OpenAI shares keep their name; Anthropic's server-side
    /// types (<c>api_error</c>, <c>overloaded_error</c>, <c>timeout_error</c>) become <c>server_error</c>; unknown types
    /// fall back on the HTTP status (0 inside a stream, where there is none).
    /// </summary>
    public static string ToOpenAi(ReadOnlySpan<byte> anthropicType, int status)
    {
        if (anthropicType.SequenceEqual("invalid_request_error"u8) || anthropicType.SequenceEqual("request_too_large"u8))
        {
            return "invalid_request_error";
        }

        if (anthropicType.SequenceEqual("authentication_error"u8))
        {
            return "authentication_error";
        }

        if (anthropicType.SequenceEqual("permission_error"u8))
        {
            return "permission_error";
        }

        if (anthropicType.SequenceEqual("not_found_error"u8))
        {
            return "not_found_error";
        }

        if (anthropicType.SequenceEqual("rate_limit_error"u8))
        {
            return "rate_limit_error";
        }

        if (anthropicType.SequenceEqual("api_error"u8) || anthropicType.SequenceEqual("overloaded_error"u8) || anthropicType.SequenceEqual("timeout_error"u8))
        {
            return "server_error";
        }

        return status is >= 400 and < 500 ? "invalid_request_error" : "server_error";
    }
}
