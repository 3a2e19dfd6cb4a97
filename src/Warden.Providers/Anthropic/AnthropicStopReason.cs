using System.Text.Json;

namespace Warden.Providers.Anthropic;

/// <summary>Maps Anthropic <c>stop_reason</c> values to OpenAI <c>finish_reason</c> values.</summary>
internal static class AnthropicStopReason
{
    /// <summary>
    /// Moves to the property's value and maps it: <c>end_turn</c>, <c>stop_sequence</c> and <c>pause_turn</c> →
    /// <c>stop</c>; <c>max_tokens</c> and <c>model_context_window_exceeded</c> → <c>length</c>; <c>tool_use</c> →
    /// <c>tool_calls</c>; <c>refusal</c> → <c>content_filter</c>; any other string → <c>stop</c>; null → empty.
    /// </summary>
    public static ReadOnlySpan<byte> ReadFinishReason(scoped ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return default;
        }

        if (reader.ValueTextEquals("tool_use"u8))
        {
            return "tool_calls"u8;
        }

        if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("model_context_window_exceeded"u8))
        {
            return "length"u8;
        }

        if (reader.ValueTextEquals("refusal"u8))
        {
            return "content_filter"u8;
        }

        return "stop"u8;
    }
}
