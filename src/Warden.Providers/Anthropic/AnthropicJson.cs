using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Warden.Providers.Anthropic;

/// <summary>
/// <see cref="Utf8JsonReader"/> helpers shared by the Anthropic translators: raw value slices (so strings the upstream
/// or the client already escaped are copied without re-encoding), unescaped string access and compact copies.
/// </summary>
internal static class AnthropicJson
{
    /// <summary>Reader options: deeper than the gateway's request limit so tool schemas never trip it.</summary>
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>
    /// Writer options. Relaxed escaping keeps non-ASCII text as UTF-8 (a Thai or Chinese character costs 3 bytes
    /// instead of a 6-byte <c>\uXXXX</c>); the output is an API body, never embedded in HTML.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Opens a reader over one JSON value and moves it to the value's first token. Returns false for an empty slice
    /// (the field was absent).
    /// </summary>
    public static bool TryOpen(ReadOnlySpan<byte> json, out Utf8JsonReader reader)
    {
        reader = new Utf8JsonReader(json, ReaderOptions);
        return !json.IsEmpty && reader.Read();
    }

    /// <summary>
    /// Returns the raw bytes of the value whose first token the reader is on (a string includes its quotes) and
    /// leaves the reader on the value's last token.
    /// </summary>
    public static ReadOnlySpan<byte> ReadRawValue(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return source[start..(int)reader.BytesConsumed];
    }

    /// <summary>Moves to the property's value and returns it raw when it is a string; otherwise skips it and returns empty.</summary>
    public static ReadOnlySpan<byte> ReadRawString(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return source[(int)reader.TokenStartIndex..(int)reader.BytesConsumed];
        }

        reader.Skip();
        return default;
    }

    /// <summary>True when a raw string token (with quotes) holds at least one character.</summary>
    public static bool IsNonEmptyString(ReadOnlySpan<byte> rawString) => rawString.Length > 2;

    /// <summary>
    /// The unescaped UTF-8 of the string (or property name) token the reader is on. Allocates only when the token
    /// has escapes — e.g. a base64 data URL from a serializer that writes <c>\/</c> — and then only one copy.
    /// </summary>
    public static ReadOnlySpan<byte> GetUtf8(scoped ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        // Unescaped text is never longer than its escaped form.
        var buffer = new byte[reader.ValueSpan.Length];
        return buffer.AsSpan(0, reader.CopyString(buffer));
    }

    /// <summary>The unescaped UTF-8 of a raw string token (with quotes); empty for an empty slice.</summary>
    public static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> rawString)
    {
        if (!TryOpen(rawString, out var reader) || reader.TokenType != JsonTokenType.String)
        {
            return default;
        }

        return GetUtf8(ref reader);
    }

    /// <summary>Moves to the property's value and reads it as a non-negative integer; null when it is anything else.</summary>
    public static long? ReadCount(scoped ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value >= 0)
        {
            return value;
        }

        reader.Skip();
        return null;
    }

    /// <summary>True when <paramref name="json"/> is exactly one JSON object (and nothing else).</summary>
    public static bool IsSingleObject(ReadOnlySpan<byte> json)
    {
        try
        {
            if (!TryOpen(json, out var reader) || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes <paramref name="json"/> (one valid JSON value) without insignificant whitespace.</summary>
    public static void WriteCompact(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    writer.WriteEndArray();
                    break;
                case JsonTokenType.PropertyName:
                    writer.WritePropertyName(GetUtf8(ref reader));
                    break;
                default:
                    // Strings keep the upstream's own escapes; numbers keep their exact text.
                    writer.WriteRawValue(json[(int)reader.TokenStartIndex..(int)reader.BytesConsumed], skipInputValidation: true);
                    break;
            }
        }
    }
}
