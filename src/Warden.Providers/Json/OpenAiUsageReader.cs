using System.Text.Json;
using Warden.Core.Usage;

namespace Warden.Providers.Json;

/// <summary>Reads OpenAI-format <c>usage</c> objects with <see cref="Utf8JsonReader"/> (no DOM).</summary>
public static class OpenAiUsageReader
{
    /// <summary>
    /// Quick check whether a chunk carries a non-null <c>usage</c> object, so the full read runs only on the one chunk
    /// that has it (OpenAI sends <c>"usage":null</c> on every other chunk once <c>include_usage</c> is on).
    /// </summary>
    public static bool MayContainUsage(ReadOnlySpan<byte> json)
    {
        var at = json.IndexOf("\"usage\""u8);
        while (at >= 0)
        {
            var rest = json[(at + 7)..].TrimStart(" \t\r\n:"u8);
            if (!rest.IsEmpty && rest[0] == (byte)'{')
            {
                return true;
            }

            var next = json[(at + 7)..].IndexOf("\"usage\""u8);
            at = next < 0 ? -1 : at + 7 + next;
        }

        return false;
    }

    /// <summary>
    /// Reads the top-level <c>usage</c> object of an OpenAI response or stream chunk, and whether the chunk's
    /// <c>choices</c> array is empty (OpenAI's dedicated usage chunk). Returns false when there is no usage object.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out TokenUsage usage, out bool choicesEmpty)
    {
        usage = default;
        choicesEmpty = true;
        var found = false;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        usage = ReadUsageObject(ref reader);
                        found = true;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        choicesEmpty = reader.TokenType == JsonTokenType.EndArray;
                        if (!choicesEmpty)
                        {
                            reader.Skip();
                            while (reader.TokenType != JsonTokenType.EndArray || reader.CurrentDepth != 1)
                            {
                                reader.Read();
                                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                                {
                                    reader.Skip();
                                }
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return found;
        }

        return found;
    }

    private static TokenUsage ReadUsageObject(ref Utf8JsonReader reader)
    {
        long input = 0, output = 0, cacheRead = 0, cacheWrite = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8))
            {
                input = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8))
            {
                output = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("cached_tokens"u8))
                    {
                        cacheRead = ReadLong(ref reader);
                    }
                    else if (reader.ValueTextEquals("cache_write_tokens"u8) || reader.ValueTextEquals("cache_creation_tokens"u8))
                    {
                        cacheWrite = ReadLong(ref reader);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new TokenUsage(input, output, cacheRead, cacheWrite);
    }

    private static long ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value >= 0 ? value : 0;
    }
}
