using System.Globalization;
using System.Text;
using System.Text.Json;
using Warden.MockProvider.Controls;
using Warden.MockProvider.Text;

namespace Warden.MockProvider.OpenAi;

/// <summary>Reading the parts of OpenAI request bodies the mock needs, with the API's own error messages.</summary>
internal static class OpenAiRequest
{
    public const string MissingModel = "you must provide a model parameter";

    /// <summary>Reads an optional integer field; writes the error text (OpenAI wording) when it is not in range.</summary>
    public static bool TryGetInt(JsonElement body, string name, int min, int max, out int? value, out ParameterError? error)
    {
        value = null;
        error = null;
        if (!body.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.ValueKind == JsonValueKind.Number && property.TryGetInt32(out var number) && number >= min && number <= max)
        {
            value = number;
            return true;
        }

        error = new ParameterError(name, string.Create(CultureInfo.InvariantCulture, $"Invalid '{name}': expected an integer between {min} and {max}, got {property.GetRawText()}."));
        return false;
    }

    public static bool GetBool(JsonElement body, string name) =>
        body.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.True;

    /// <summary><c>stream_options.include_usage</c>: only then does a stream end with a usage chunk.</summary>
    public static bool IncludeUsage(JsonElement body) =>
        body.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object && GetBool(options, "include_usage");

    /// <summary>Prompt tokens reported as cached: the request's override, else the deterministic rule.</summary>
    public static int CachedTokens(RequestControls controls, int promptTokens) =>
        Math.Min(promptTokens, controls.CachedTokens ?? MockText.CachedTokens(promptTokens));

    /// <summary>Appends the text of a message <c>content</c> (a string, or an array of parts with <c>text</c>).</summary>
    public static void AppendContent(StringBuilder text, JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            text.Append(content.GetString()).Append('\n');
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var partText) && partText.ValueKind == JsonValueKind.String)
                {
                    text.Append(partText.GetString()).Append('\n');
                }
                else if (part.ValueKind == JsonValueKind.String)
                {
                    text.Append(part.GetString()).Append('\n');
                }
            }
        }
    }

    public static void WriteUsage(Utf8JsonWriter writer, int promptTokens, int completionTokens, int cachedTokens)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", promptTokens);
        writer.WriteNumber("completion_tokens", completionTokens);
        writer.WriteNumber("total_tokens", promptTokens + completionTokens);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", cachedTokens);
        writer.WriteNumber("audio_tokens", 0);
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", 0);
        writer.WriteNumber("audio_tokens", 0);
        writer.WriteNumber("accepted_prediction_tokens", 0);
        writer.WriteNumber("rejected_prediction_tokens", 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A non-empty array of integers (token ids), hashed as their decimal text.</summary>
    public static bool TryReadTokenArray(JsonElement element, out string text, out int count)
    {
        text = "";
        count = 0;
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
        {
            return false;
        }

        var parts = new List<string>(element.GetArrayLength());
        foreach (var token in element.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Number || !token.TryGetInt64(out var id))
            {
                return false;
            }

            parts.Add(id.ToString(CultureInfo.InvariantCulture));
        }

        text = string.Join(' ', parts);
        count = parts.Count;
        return true;
    }
}
