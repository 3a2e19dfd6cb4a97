using System.Text.Json;
using System.Text.Unicode;
using Warden.Core.Errors;
using Warden.Providers.Abstractions;

namespace Warden.Gateway.Parsing;

/// <summary>
/// One forward pass of <see cref="Utf8JsonReader"/> over a request body: validates it as JSON (UTF-8, bounded depth),
/// checks the fields the gateway relies on, and collects <see cref="RequestFacts"/>. No DOM is built; the body is
/// later forwarded as the same bytes.
/// </summary>
public static class RequestPeeker
{
    /// <summary>Deepest nesting accepted; deeper bodies are rejected before they cost anything.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions s_options = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Peeks at <paramref name="body"/> for <paramref name="operation"/>; null error means valid.</summary>
    public static PeekError? Peek(ReadOnlySpan<byte> body, OperationKind operation, RequestFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (body.IsEmpty)
        {
            return new PeekError(GatewayError.InvalidJson, "The request body is empty; send a JSON object.", null);
        }

        if (!Utf8.IsValid(body))
        {
            return new PeekError(GatewayError.InvalidJson, "The request body is not valid UTF-8.", null);
        }

        var reader = new Utf8JsonReader(body, s_options);
        try
        {
            return PeekObject(ref reader, operation, facts);
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader reports an escaped string that is not valid Unicode (an unpaired surrogate) this way.
            return new PeekError(GatewayError.InvalidJson, "The request body contains a string with an unpaired UTF-16 surrogate escape.", null);
        }
        catch (JsonException ex)
        {
            var message = reader.CurrentDepth >= MaxDepth - 1
                ? $"The request body is nested deeper than {MaxDepth} levels."
                : $"The request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).";
            return new PeekError(GatewayError.InvalidJson, message, null);
        }
    }

    private static PeekError? PeekObject(ref Utf8JsonReader reader, OperationKind operation, RequestFacts facts)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            // Validate the rest so that "not JSON" and "JSON but not an object" get their own messages.
            while (reader.Read())
            {
            }

            return Invalid("The request body must be a JSON object.", null);
        }

        var sawModel = false;
        var sawMain = false;

        // Only the first problem is reported, but every value is still consumed so the reader stays in step and the
        // rest of the document is validated as JSON.
        PeekError? error = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    error ??= Invalid("'model' must be a string.", "model");
                    reader.Skip();
                    continue;
                }

                facts.Model = reader.GetString()!;
                sawModel = facts.Model.Length > 0;
                if (!sawModel)
                {
                    error ??= Invalid("'model' must not be empty.", "model");
                }
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    facts.Stream = reader.GetBoolean();
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    error ??= Invalid("'stream' must be a boolean.", "stream");
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("stream_options"u8))
            {
                reader.Read();
                var found = PeekStreamOptions(ref reader, facts);
                error ??= found;
            }
            else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8))
            {
                var name = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value) || value < 1)
                {
                    error ??= Invalid($"'{name}' must be a positive integer.", name);
                    reader.Skip();
                    continue;
                }

                facts.MaxTokens = value;
            }
            else if (reader.ValueTextEquals("n"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var n) || n is < 1 or > 128)
                {
                    error ??= Invalid("'n' must be an integer between 1 and 128.", "n");
                    reader.Skip();
                    continue;
                }

                facts.N = n;
            }
            else if (reader.ValueTextEquals("temperature"u8) || reader.ValueTextEquals("top_p"u8))
            {
                var name = reader.GetString()!;
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.Number or JsonTokenType.Null) || (reader.TokenType == JsonTokenType.Number && !double.IsFinite(reader.GetDouble())))
                {
                    error ??= Invalid($"'{name}' must be a number.", name);
                    reader.Skip();
                }
            }
            else if (operation == OperationKind.ChatCompletions && reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                sawMain = true;
                var found = PeekMessages(ref reader, facts);
                error ??= found;
            }
            else if (operation == OperationKind.Completions && reader.ValueTextEquals("prompt"u8))
            {
                reader.Read();
                sawMain = true;
                var found = PeekTextOrArray(ref reader, facts, "prompt");
                error ??= found;
            }
            else if (operation == OperationKind.Embeddings && reader.ValueTextEquals("input"u8))
            {
                reader.Read();
                sawMain = true;
                var found = PeekTextOrArray(ref reader, facts, "input");
                error ??= found;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Anything after the closing brace (a second document, garbage) is invalid JSON.
        if (reader.Read())
        {
            throw new JsonException("Trailing data after the JSON object.");
        }

        if (error is not null)
        {
            return error;
        }

        if (!sawModel)
        {
            return Invalid("'model' is required.", "model");
        }

        if (!sawMain)
        {
            var (name, what) = operation switch
            {
                OperationKind.ChatCompletions => ("messages", "a non-empty array of messages"),
                OperationKind.Completions => ("prompt", "a string or an array"),
                _ => ("input", "a string or a non-empty array"),
            };
            return Invalid($"'{name}' is required ({what}).", name);
        }

        return null;
    }

    private static PeekError? PeekStreamOptions(ref Utf8JsonReader reader, RequestFacts facts)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return Invalid("'stream_options' must be an object.", "stream_options");
        }

        PeekError? error = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("include_usage"u8))
            {
                reader.Read();
                if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    facts.ClientIncludeUsage = reader.GetBoolean();
                }
                else
                {
                    error ??= Invalid("'stream_options.include_usage' must be a boolean.", "stream_options.include_usage");
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return error;
    }

    private static PeekError? PeekMessages(ref Utf8JsonReader reader, RequestFacts facts)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return Invalid("'messages' must be an array.", "messages");
        }

        var index = 0;
        PeekError? error = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error ??= Invalid($"'messages[{index}]' must be an object.", $"messages[{index}]");
                reader.Skip();
                index++;
                continue;
            }

            var sawRole = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("role"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || !IsKnownRole(ref reader))
                    {
                        error ??= Invalid($"'messages[{index}].role' must be one of system, developer, user, assistant, tool.", $"messages[{index}].role");
                        reader.Skip();
                        continue;
                    }

                    sawRole = true;
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    var found = PeekContent(ref reader, facts, index);
                    error ??= found;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (!sawRole)
            {
                error ??= Invalid($"'messages[{index}].role' is required.", $"messages[{index}].role");
            }

            index++;
        }

        if (index == 0)
        {
            return error ?? Invalid("'messages' must contain at least one message.", "messages");
        }

        return error;
    }

    private static PeekError? PeekContent(ref Utf8JsonReader reader, RequestFacts facts, int index)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                facts.PromptTextBytes += reader.ValueSpan.Length;
                EnsureValidString(ref reader);
                return null;
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                // Content parts: count text; images and other parts pass through unexamined.
                var depth = reader.CurrentDepth;
                while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        facts.PromptTextBytes += reader.ValueSpan.Length;
                        EnsureValidString(ref reader);
                    }
                }

                return null;
            default:
                reader.Skip();
                return Invalid($"'messages[{index}].content' must be a string, an array of content parts, or null.", $"messages[{index}].content");
        }
    }

    private static PeekError? PeekTextOrArray(ref Utf8JsonReader reader, RequestFacts facts, string name)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                facts.PromptTextBytes += reader.ValueSpan.Length;
                EnsureValidString(ref reader);
                return reader.ValueSpan.IsEmpty && name == "input" ? Invalid("'input' must not be empty.", name) : null;
            case JsonTokenType.StartArray:
                var depth = reader.CurrentDepth;
                var count = 0;
                while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
                {
                    if (reader.CurrentDepth == depth + 1)
                    {
                        count++;
                    }

                    if (reader.TokenType == JsonTokenType.String)
                    {
                        facts.PromptTextBytes += reader.ValueSpan.Length;
                        EnsureValidString(ref reader);
                    }
                }

                return count == 0 && name == "input" ? Invalid("'input' must not be empty.", name) : null;
            default:
                reader.Skip();
                return Invalid($"'{name}' must be a string or an array.", name);
        }
    }

    // Escaped strings are decoded once to prove they are valid Unicode (no unpaired surrogates, which I-JSON forbids and
    // which guardrails and providers cannot process); unescaped strings were already validated as UTF-8.
    private static void EnsureValidString(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return;
        }

        var length = reader.ValueSpan.Length;
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(length);
        try
        {
            reader.CopyString(buffer);
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static bool IsKnownRole(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("user"u8) || reader.ValueTextEquals("assistant"u8) || reader.ValueTextEquals("system"u8)
        || reader.ValueTextEquals("developer"u8) || reader.ValueTextEquals("tool"u8) || reader.ValueTextEquals("function"u8);

    private static PeekError Invalid(string message, string? param) => new(GatewayError.InvalidRequest, message, param);
}
