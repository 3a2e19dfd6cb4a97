using System.Buffers;
using System.Text.Json;
using Warden.Core.Usage;

namespace Warden.Providers.Anthropic;

/// <summary>
/// Translates a complete Anthropic <c>message</c> into an OpenAI <c>chat.completion</c> with
/// <see cref="Utf8JsonReader"/>: text blocks become <c>message.content</c>, <c>tool_use</c> blocks become
/// <c>message.tool_calls</c>, and thinking or server-tool blocks (which OpenAI cannot represent) are left out.
/// </summary>
internal static class AnthropicResponseWriter
{
    /// <summary>
    /// Writes the chat completion for <paramref name="body"/>. Returns false, writing nothing, when the body is not
    /// an Anthropic message.
    /// </summary>
    public static bool TryWrite(ReadOnlySpan<byte> body, string fallbackModel, long created, IBufferWriter<byte> output, out TokenUsage? usage)
    {
        usage = null;
        MessageFields message;
        try
        {
            message = MessageFields.Read(body);
        }
        catch (JsonException)
        {
            return false;
        }

        if (!message.IsMessage)
        {
            return false;
        }

        using var writer = new Utf8JsonWriter(output, AnthropicJson.WriterOptions);
        writer.WriteStartObject();
        writer.WritePropertyName("id"u8);
        if (message.Id.IsEmpty)
        {
            writer.WriteStringValue("chatcmpl-" + Guid.NewGuid().ToString("N"));
        }
        else
        {
            writer.WriteRawValue(message.Id, skipInputValidation: true);
        }

        writer.WriteString("object"u8, "chat.completion"u8);
        writer.WriteNumber("created"u8, created);
        writer.WritePropertyName("model"u8);
        if (message.Model.IsEmpty)
        {
            writer.WriteStringValue(fallbackModel);
        }
        else
        {
            writer.WriteRawValue(message.Model, skipInputValidation: true);
        }

        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WritePropertyName("content"u8);
        WriteText(message.Content, writer);
        WriteToolCalls(message.Content, writer);
        writer.WriteEndObject();
        writer.WriteNull("logprobs"u8);
        writer.WriteString("finish_reason"u8, message.FinishReason.IsEmpty ? "stop"u8 : message.FinishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        if (message.HasUsage)
        {
            writer.WritePropertyName("usage"u8);
            message.Usage.WriteOpenAi(writer);
            usage = message.Usage.ToTokenUsage();
        }

        writer.WriteEndObject();
        return true;
    }

    // One text block is copied as its raw token; several are joined; none gives null (a tool-calls-only answer).
    private static void WriteText(ReadOnlySpan<byte> content, Utf8JsonWriter writer)
    {
        ReadOnlySpan<byte> single = default;
        ArrayBufferWriter<byte>? joined = null;
        foreach (var block in new BlockEnumerator(content))
        {
            if (!block.IsText || block.Text.IsEmpty)
            {
                continue;
            }

            if (single.IsEmpty && joined is null)
            {
                single = block.Text;
                continue;
            }

            if (joined is null)
            {
                joined = new ArrayBufferWriter<byte>(single.Length * 2);
                joined.Write(AnthropicJson.Unescape(single));
            }

            joined.Write(AnthropicJson.Unescape(block.Text));
        }

        if (joined is not null)
        {
            writer.WriteStringValue(joined.WrittenSpan);
        }
        else if (!single.IsEmpty)
        {
            writer.WriteRawValue(single, skipInputValidation: true);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteToolCalls(ReadOnlySpan<byte> content, Utf8JsonWriter writer)
    {
        var wrote = false;
        ArrayBufferWriter<byte>? arguments = null;
        foreach (var block in new BlockEnumerator(content))
        {
            if (!block.IsToolUse)
            {
                continue;
            }

            if (!wrote)
            {
                writer.WriteStartArray("tool_calls"u8);
                wrote = true;
            }

            writer.WriteStartObject();
            if (!block.Id.IsEmpty)
            {
                writer.WritePropertyName("id"u8);
                writer.WriteRawValue(block.Id, skipInputValidation: true);
            }

            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            if (!block.Name.IsEmpty)
            {
                writer.WritePropertyName("name"u8);
                writer.WriteRawValue(block.Name, skipInputValidation: true);
            }

            // OpenAI carries the input as a string of compact JSON.
            arguments ??= new ArrayBufferWriter<byte>(256);
            arguments.ResetWrittenCount();
            if (block.Input.IsEmpty)
            {
                arguments.Write("{}"u8);
            }
            else
            {
                AnthropicJson.WriteCompact(block.Input, arguments);
            }

            writer.WriteString("arguments"u8, arguments.WrittenSpan);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (wrote)
        {
            writer.WriteEndArray();
        }
    }

    /// <summary>The top-level fields of an Anthropic message.</summary>
    private ref struct MessageFields
    {
        public bool IsMessage;
        public ReadOnlySpan<byte> Id;
        public ReadOnlySpan<byte> Model;
        public ReadOnlySpan<byte> Content;
        public ReadOnlySpan<byte> FinishReason;
        public AnthropicUsage Usage;
        public bool HasUsage;

        public static MessageFields Read(ReadOnlySpan<byte> body)
        {
            var fields = default(MessageFields);
            var reader = new Utf8JsonReader(body, AnthropicJson.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return fields;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    fields.IsMessage = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("message"u8);
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    fields.Id = AnthropicJson.ReadRawString(ref reader, body);
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    fields.Model = AnthropicJson.ReadRawString(ref reader, body);
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    var raw = AnthropicJson.ReadRawValue(ref reader, body);
                    fields.Content = reader.TokenType == JsonTokenType.EndArray ? raw : default;
                }
                else if (reader.ValueTextEquals("stop_reason"u8))
                {
                    fields.FinishReason = AnthropicStopReason.ReadFinishReason(ref reader);
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    fields.HasUsage = reader.TokenType == JsonTokenType.StartObject;
                    fields.Usage = AnthropicUsage.Read(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Also check that the body ends where the object ends, so a truncated body is not taken for a message.
            return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 ? fields : default;
        }
    }

    /// <summary>One content block: its kind and raw text, id, name and input.</summary>
    private readonly ref struct Block
    {
        public bool IsText { get; init; }

        public bool IsToolUse { get; init; }

        public ReadOnlySpan<byte> Text { get; init; }

        public ReadOnlySpan<byte> Id { get; init; }

        public ReadOnlySpan<byte> Name { get; init; }

        public ReadOnlySpan<byte> Input { get; init; }
    }

    /// <summary>Enumerates the blocks of a raw <c>content</c> array.</summary>
    private ref struct BlockEnumerator
    {
        private readonly ReadOnlySpan<byte> _content;
        private Utf8JsonReader _reader;

        public BlockEnumerator(ReadOnlySpan<byte> content)
        {
            _content = content;
            _reader = new Utf8JsonReader(content, AnthropicJson.ReaderOptions);
            if (!content.IsEmpty)
            {
                _reader.Read();
            }
        }

        public Block Current { get; private set; }

        public readonly BlockEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_content.IsEmpty)
            {
                return false;
            }

            while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
            {
                if (_reader.TokenType != JsonTokenType.StartObject)
                {
                    _reader.Skip();
                    continue;
                }

                bool isText = false, isToolUse = false;
                ReadOnlySpan<byte> text = default, id = default, name = default, input = default;
                while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (_reader.ValueTextEquals("type"u8))
                    {
                        _reader.Read();
                        isText = _reader.TokenType == JsonTokenType.String && _reader.ValueTextEquals("text"u8);
                        isToolUse = _reader.TokenType == JsonTokenType.String && _reader.ValueTextEquals("tool_use"u8);
                        _reader.Skip();
                    }
                    else if (_reader.ValueTextEquals("text"u8))
                    {
                        text = AnthropicJson.ReadRawString(ref _reader, _content);
                    }
                    else if (_reader.ValueTextEquals("id"u8))
                    {
                        id = AnthropicJson.ReadRawString(ref _reader, _content);
                    }
                    else if (_reader.ValueTextEquals("name"u8))
                    {
                        name = AnthropicJson.ReadRawString(ref _reader, _content);
                    }
                    else if (_reader.ValueTextEquals("input"u8))
                    {
                        _reader.Read();
                        input = AnthropicJson.ReadRawValue(ref _reader, _content);
                    }
                    else
                    {
                        _reader.Read();
                        _reader.Skip();
                    }
                }

                Current = new Block
                {
                    IsText = isText,
                    IsToolUse = isToolUse,
                    Text = AnthropicJson.IsNonEmptyString(text) ? text : default,
                    Id = id,
                    Name = name,
                    Input = input,
                };
                return true;
            }

            return false;
        }
    }
}
