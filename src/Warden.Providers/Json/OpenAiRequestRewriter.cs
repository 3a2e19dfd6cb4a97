using System.Buffers;
using System.Text.Json;

namespace Warden.Providers.Json;

/// <summary>
/// Rewrites the few top-level fields the gateway must change in an OpenAI-format request (the model id, and
/// <c>stream_options.include_usage</c> on streams) and copies every other property's raw bytes unchanged, so tools,
/// <c>response_format</c>, multimodal parts and unknown fields pass through exactly.
/// </summary>
public static class OpenAiRequestRewriter
{
    /// <summary>
    /// Writes the rewritten body to <paramref name="output"/>. <paramref name="model"/> replaces <c>model</c>;
    /// when <paramref name="forceIncludeUsage"/> is set, <c>stream_options.include_usage</c> becomes true (other
    /// stream options are kept).
    /// </summary>
    public static void Rewrite(ReadOnlySpan<byte> body, string model, bool forceIncludeUsage, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true, Indented = false });
        reader.Read();
        writer.WriteStartObject();
        var wroteModel = false;
        var wroteStreamOptions = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                reader.Skip();
                writer.WriteString("model"u8, model);
                wroteModel = true;
            }
            else if (forceIncludeUsage && reader.ValueTextEquals("stream_options"u8))
            {
                reader.Read();
                writer.WritePropertyName("stream_options"u8);
                writer.WriteStartObject();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("include_usage"u8))
                        {
                            reader.Read();
                            reader.Skip();
                            continue;
                        }

                        CopyProperty(ref reader, body, writer);
                    }
                }
                else
                {
                    reader.Skip();
                }

                writer.WriteBoolean("include_usage"u8, true);
                writer.WriteEndObject();
                wroteStreamOptions = true;
            }
            else
            {
                CopyProperty(ref reader, body, writer);
            }
        }

        if (!wroteModel)
        {
            writer.WriteString("model"u8, model);
        }

        if (forceIncludeUsage && !wroteStreamOptions)
        {
            writer.WritePropertyName("stream_options"u8);
            writer.WriteStartObject();
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    // Copies one property (the reader is on its name) with its value as raw bytes: no re-encoding of the value.
    private static void CopyProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, Utf8JsonWriter writer)
    {
        if (reader.ValueIsEscaped)
        {
            writer.WritePropertyName(reader.GetString()!);
        }
        else
        {
            writer.WritePropertyName(reader.ValueSpan);
        }

        reader.Read();
        var valueStart = (int)reader.TokenStartIndex;
        reader.Skip();
        var valueEnd = (int)reader.BytesConsumed;
        writer.WriteRawValue(body[valueStart..valueEnd], skipInputValidation: true);
    }
}
