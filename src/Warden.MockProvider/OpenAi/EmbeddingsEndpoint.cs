using System.Buffers.Binary;
using System.Text.Json;
using Warden.MockProvider.Http;
using Warden.MockProvider.Text;

namespace Warden.MockProvider.OpenAi;

/// <summary>
/// <c>POST /v1/embeddings</c>: one deterministic unit-length vector per input (a string, an array of strings, a
/// token array or an array of token arrays), <c>EmbeddingDimensions</c> long unless the request asks for
/// <c>dimensions</c>; <c>encoding_format: base64</c> returns the little-endian float32 bytes in base64.
/// </summary>
internal static class EmbeddingsEndpoint
{
    /// <summary>OpenAI's limit on inputs per request.</summary>
    public const int MaxInputs = 2048;

    private const string InvalidInput = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

    public static async Task HandleAsync(MockExchange exchange)
    {
        var body = exchange.Body;
        if (exchange.Model.Length == 0)
        {
            await exchange.InvalidAsync(OpenAiRequest.MissingModel);
            return;
        }

        if (!body.TryGetProperty("input", out var input))
        {
            await exchange.InvalidAsync("Missing required parameter: 'input'.", "input", "missing_required_parameter");
            return;
        }

        if (!TryReadInputs(input, out var inputs))
        {
            await exchange.InvalidAsync(InvalidInput, "input", "invalid_value");
            return;
        }

        if (!OpenAiRequest.TryGetInt(body, "dimensions", 1, MockProviderOptions.MaxEmbeddingDimensions, out var dimensions, out var error))
        {
            await exchange.InvalidAsync(error!.Message, error.Param, "invalid_value");
            return;
        }

        var base64 = false;
        if (body.TryGetProperty("encoding_format", out var format) && format.ValueKind != JsonValueKind.Null)
        {
            var name = format.ValueKind == JsonValueKind.String ? format.GetString() : null;
            if (name is not ("float" or "base64"))
            {
                await exchange.InvalidAsync($"Invalid value for 'encoding_format': {format.GetRawText()}. Supported values are: 'float' and 'base64'.", "encoding_format", "invalid_value");
                return;
            }

            base64 = name == "base64";
        }

        var length = dimensions ?? exchange.Settings.EmbeddingDimensions;
        var vectors = inputs.Select(i => MockEmbedding.Create(i.Text, length)).ToArray();
        var promptTokens = inputs.Sum(i => i.Tokens);
        await exchange.WriteJsonAsync((vectors, base64, exchange.Model, promptTokens), static (writer, r) =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            for (var i = 0; i < r.vectors.Length; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("object", "embedding");
                writer.WriteNumber("index", i);
                if (r.base64)
                {
                    // OpenAI's base64 format is the raw little-endian float32 array.
                    writer.WriteBase64String("embedding", LittleEndian(r.vectors[i]));
                }
                else
                {
                    writer.WriteStartArray("embedding");
                    foreach (var value in r.vectors[i])
                    {
                        writer.WriteNumberValue(value);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("model", r.Model);
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", r.promptTokens);
            writer.WriteNumber("total_tokens", r.promptTokens);
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    private static bool TryReadInputs(JsonElement input, out List<(string Text, int Tokens)> inputs)
    {
        inputs = [];
        if (input.ValueKind == JsonValueKind.String)
        {
            var text = input.GetString()!;
            inputs.Add((text, MockText.CountTokens(text.Length)));
            return text.Length > 0;
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() is 0 or > MaxInputs)
        {
            return false;
        }

        if (OpenAiRequest.TryReadTokenArray(input, out var tokenText, out var tokenCount))
        {
            inputs.Add((tokenText, tokenCount));
            return true;
        }

        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text)
            {
                inputs.Add((text, MockText.CountTokens(text.Length)));
            }
            else if (OpenAiRequest.TryReadTokenArray(item, out tokenText, out tokenCount))
            {
                inputs.Add((tokenText, tokenCount));
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] LittleEndian(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return bytes;
    }
}
