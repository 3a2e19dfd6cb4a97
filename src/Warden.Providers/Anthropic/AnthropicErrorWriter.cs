using System.Buffers;
using System.Text.Json;

namespace Warden.Providers.Anthropic;

/// <summary>
/// Translates Anthropic error bodies (<c>{"type":"error","error":{"type":…,"message":…}}</c>) into OpenAI's
/// <c>{"error":{"message","type","code","param"}}</c>, keeping the upstream's message and its error type as the code.
/// </summary>
internal static class AnthropicErrorWriter
{
    /// <summary>Writes the OpenAI error; false (nothing written) when the body is not an Anthropic error.</summary>
    public static bool TryWrite(int status, ReadOnlySpan<byte> body, IBufferWriter<byte> output)
    {
        ReadOnlySpan<byte> type;
        ReadOnlySpan<byte> message;
        try
        {
            if (!TryRead(body, out type, out message))
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        using var writer = new Utf8JsonWriter(output, AnthropicJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartObject("error"u8);
        writer.WritePropertyName("message"u8);
        writer.WriteRawValue(message, skipInputValidation: true);
        writer.WriteString("type"u8, AnthropicErrorType.ToOpenAi(AnthropicJson.Unescape(type), status));
        writer.WritePropertyName("code"u8);
        writer.WriteRawValue(type, skipInputValidation: true);
        writer.WriteNull("param"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        return true;
    }

    // Finds error.type and error.message (both raw string tokens).
    private static bool TryRead(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> type, out ReadOnlySpan<byte> message)
    {
        type = default;
        message = default;
        if (!AnthropicJson.TryOpen(body, out var reader) || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    type = AnthropicJson.ReadRawString(ref reader, body);
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    message = AnthropicJson.ReadRawString(ref reader, body);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        // The whole body must be JSON (the loop above reads to its end), and the error must say what went wrong.
        return AnthropicJson.IsNonEmptyString(type) && !message.IsEmpty;
    }
}
