using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Warden.MockProvider.Text;

/// <summary>
/// Deterministic arguments for a tool call, shaped by the tool's JSON schema: one value per declared property
/// (a word for strings, the first value of an enum, a number for numbers, <c>true</c> for booleans, empty arrays
/// and objects), in declaration order.
/// </summary>
internal static class ToolArguments
{
    /// <summary>Returns the arguments as compact JSON text (what OpenAI puts in <c>function.arguments</c>).</summary>
    public static string Create(JsonElement schema, ulong seed)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (schema.ValueKind == JsonValueKind.Object
                && schema.TryGetProperty("properties", out var properties)
                && properties.ValueKind == JsonValueKind.Object)
            {
                var index = 0UL;
                foreach (var property in properties.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteValue(writer, property.Value, StableHash.Mix(seed, index++));
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonElement schema, ulong seed)
    {
        if (schema.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
            {
                values[0].WriteTo(writer);
                return;
            }

            if (schema.TryGetProperty("type", out var type))
            {
                // A union such as ["string", "null"] takes its first member.
                var name = type.ValueKind == JsonValueKind.Array && type.GetArrayLength() > 0 ? type[0] : type;
                switch (name.ValueKind == JsonValueKind.String ? name.GetString() : null)
                {
                    case "string":
                        writer.WriteStringValue(MockText.Word(seed));
                        return;
                    case "integer":
                        writer.WriteNumberValue((long)(seed % 100));
                        return;
                    case "number":
                        writer.WriteNumberValue((seed % 1000) / 10.0);
                        return;
                    case "boolean":
                        writer.WriteBooleanValue(true);
                        return;
                    case "array":
                        writer.WriteStartArray();
                        writer.WriteEndArray();
                        return;
                    case "object":
                        writer.WriteStartObject();
                        writer.WriteEndObject();
                        return;
                    default:
                        break;
                }
            }
        }

        writer.WriteNullValue();
    }
}
