using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Warden.Core.Usage;
using Warden.Providers.Abstractions;
using Warden.Providers.Sse;

namespace Warden.Providers.Anthropic;

/// <summary>
/// Turns an Anthropic Messages event stream into an OpenAI <c>chat.completion.chunk</c> stream.
/// </summary>
/// <remarks>
/// <para>
/// <c>message_start</c> fixes the chunk id and model and the prompt usage; <c>text_delta</c>s become
/// <c>delta.content</c>; a <c>tool_use</c> block becomes a <c>delta.tool_calls</c> entry (its index counts tool
/// blocks only) whose <c>input_json_delta</c>s become <c>function.arguments</c> fragments; <c>message_delta</c>
/// carries the finish reason and the cumulative output count; <c>message_stop</c> ends the stream with the usage
/// chunk (when the client asked for it) and <c>data: [DONE]</c>. Thinking, citations and server-tool blocks are
/// not representable in OpenAI chunks and are dropped; <c>ping</c> and unknown events are ignored.
/// </para>
/// <para>
/// The first chunk (<c>delta.role</c>) is written with the first content, not at <c>message_start</c>: until then
/// nothing has reached the client, so an <c>error</c> event (typically <c>overloaded_error</c>) leaves the attempt
/// before the commit point where the gateway can still retry or fall back. An error after that is written as an
/// OpenAI in-stream error event.
/// </para>
/// <para>
/// Per event, the only work is one <see cref="Utf8JsonReader"/> pass over the data and copying the upstream's raw
/// JSON string tokens between constant byte fragments: no allocation. The chunk prefix (id, created, model) is
/// encoded once per stream.
/// </para>
/// </remarks>
public sealed class AnthropicStreamTranslator : IStreamTranslator
{
    private readonly bool _clientIncludeUsage;
    private readonly string _fallbackModel;
    private readonly long _created;
    private byte[]? _chunkPrefix;
    private bool _started;
    private bool _finishWritten;
    private BlockKind _block;
    private int _toolCount;
    private bool _toolHasArguments;
    private AnthropicUsage _usage;
    private bool _hasUsage;

    /// <summary>Creates a translator for one attempt.</summary>
    /// <param name="clientIncludeUsage">The client asked for <c>stream_options.include_usage</c>.</param>
    /// <param name="fallbackModel">The model reported when the upstream names none.</param>
    /// <param name="timeProvider">Source of the chunks' <c>created</c> time.</param>
    public AnthropicStreamTranslator(bool clientIncludeUsage, string fallbackModel, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _clientIncludeUsage = clientIncludeUsage;
        _fallbackModel = fallbackModel;
        _created = timeProvider.GetUtcNow().ToUnixTimeSeconds();
    }

    private enum EventType
    {
        Unknown,
        MessageStart,
        ContentBlockStart,
        ContentBlockDelta,
        ContentBlockStop,
        MessageDelta,
        MessageStop,
        Ping,
        Error,
    }

    private enum BlockKind
    {
        None,
        Text,
        ToolUse,
        Other,
    }

    private enum DeltaKind
    {
        Other,
        Text,
        InputJson,
    }

    /// <inheritdoc />
    public TokenUsage? Usage => _hasUsage ? _usage.ToTokenUsage() : null;

    /// <inheritdoc />
    public bool IsFinished { get; private set; }

    /// <inheritdoc />
    public string? UpstreamError { get; private set; }

    /// <inheritdoc />
    public void OnEvent(in SseEvent sseEvent, ReadOnlySpan<byte> rawEvent, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (IsFinished || sseEvent.Data.IsEmpty)
        {
            return;
        }

        EventFields fields;
        try
        {
            fields = EventFields.Read(sseEvent.Data);
        }
        catch (JsonException)
        {
            // A malformed event carries nothing usable; the stream's end (or its absence) decides the outcome.
            return;
        }

        var type = fields.Type != EventType.Unknown ? fields.Type : EventTypeOf(sseEvent.Name);
        switch (type)
        {
            case EventType.MessageStart:
                OnMessageStart(fields);
                break;
            case EventType.ContentBlockStart:
                OnContentBlockStart(fields, output);
                break;
            case EventType.ContentBlockDelta:
                OnContentBlockDelta(fields, output);
                break;
            case EventType.ContentBlockStop:
                OnContentBlockStop(output);
                break;
            case EventType.MessageDelta:
                OnMessageDelta(fields, output);
                break;
            case EventType.MessageStop:
                OnMessageStop(output);
                break;
            case EventType.Error:
                OnError(fields, output);
                break;
            default:
                break;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A stream that ends without <c>message_stop</c> is incomplete: nothing is invented here, the gateway reports
    /// the broken stream.
    /// </remarks>
    public void OnCompleted(IBufferWriter<byte> output)
    {
    }

    private void OnMessageStart(in EventFields fields)
    {
        _chunkPrefix ??= BuildChunkPrefix(fields.MessageId, fields.MessageModel);
        if (fields.HasUsage)
        {
            _usage.Update(fields.Usage);
            _hasUsage = true;
        }
    }

    private void OnContentBlockStart(in EventFields fields, IBufferWriter<byte> output)
    {
        _block = fields.BlockType;
        if (_block == BlockKind.Text)
        {
            if (AnthropicJson.IsNonEmptyString(fields.BlockText))
            {
                WriteContentChunk(fields.BlockText, output);
            }
        }
        else if (_block == BlockKind.ToolUse)
        {
            _toolCount++;
            _toolHasArguments = false;
            EnsureStarted(output);
            WriteChunkStart(output);
            output.Write("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":"u8);
            WriteNumber(_toolCount - 1, output);
            output.Write(",\"id\":"u8);
            WriteRawStringOrEmpty(fields.BlockId, output);
            output.Write(",\"type\":\"function\",\"function\":{\"name\":"u8);
            WriteRawStringOrEmpty(fields.BlockName, output);
            output.Write(",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n"u8);
        }
    }

    private void OnContentBlockDelta(in EventFields fields, IBufferWriter<byte> output)
    {
        switch (fields.DeltaType)
        {
            case DeltaKind.Text when AnthropicJson.IsNonEmptyString(fields.DeltaText):
                WriteContentChunk(fields.DeltaText, output);
                break;
            case DeltaKind.InputJson when _block == BlockKind.ToolUse && AnthropicJson.IsNonEmptyString(fields.DeltaPartialJson):
                _toolHasArguments = true;
                WriteArgumentsChunk(fields.DeltaPartialJson, output);
                break;
            default:
                // thinking_delta, signature_delta, citations_delta and empty fragments have no OpenAI form.
                break;
        }
    }

    private void OnContentBlockStop(IBufferWriter<byte> output)
    {
        // A tool without parameters streams no input at all; OpenAI clients parse the arguments, so send "{}".
        if (_block == BlockKind.ToolUse && !_toolHasArguments)
        {
            WriteArgumentsChunk("\"{}\""u8, output);
        }

        _block = BlockKind.None;
    }

    private void OnMessageDelta(in EventFields fields, IBufferWriter<byte> output)
    {
        if (fields.HasUsage)
        {
            _usage.Update(fields.Usage);
            _hasUsage = true;
        }

        if (!fields.FinishReason.IsEmpty && !_finishWritten)
        {
            WriteFinishChunk(fields.FinishReason, output);
        }
    }

    private void OnMessageStop(IBufferWriter<byte> output)
    {
        if (!_finishWritten)
        {
            WriteFinishChunk("stop"u8, output);
        }

        if (_clientIncludeUsage)
        {
            WriteChunkStart(output);
            output.Write("],\"usage\":"u8);
            using (var writer = new Utf8JsonWriter(output))
            {
                _usage.WriteOpenAi(writer);
            }

            output.Write("}\n\n"u8);
        }

        output.Write("data: [DONE]\n\n"u8);
        IsFinished = true;
    }

    private void OnError(in EventFields fields, IBufferWriter<byte> output)
    {
        var type = fields.ErrorType.IsEmpty ? "upstream_error"u8 : fields.ErrorType;
        var message = AnthropicJson.IsNonEmptyString(fields.ErrorMessage)
            ? Encoding.UTF8.GetString(AnthropicJson.Unescape(fields.ErrorMessage))
            : "The upstream provider reported an error.";
        UpstreamError = Encoding.UTF8.GetString(type) + ": " + message;
        if (!_started)
        {
            // Nothing was sent yet: stay before the commit point so the gateway can retry or fall back.
            return;
        }

        output.Write("data: "u8);
        using var writer = new Utf8JsonWriter(output, AnthropicJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartObject("error"u8);
        writer.WriteString("message"u8, message);
        writer.WriteString("type"u8, AnthropicErrorType.ToOpenAi(type, 0));
        writer.WriteString("code"u8, type);
        writer.WriteNull("param"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n\n"u8);
    }

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        WriteChunkStart(output);
        output.Write("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"u8);
    }

    private void WriteContentChunk(ReadOnlySpan<byte> rawText, IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        WriteChunkStart(output);
        output.Write("{\"index\":0,\"delta\":{\"content\":"u8);
        output.Write(rawText);
        output.Write("},\"logprobs\":null,\"finish_reason\":null}]}\n\n"u8);
    }

    private void WriteArgumentsChunk(ReadOnlySpan<byte> rawFragment, IBufferWriter<byte> output)
    {
        WriteChunkStart(output);
        output.Write("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":"u8);
        WriteNumber(_toolCount - 1, output);
        output.Write(",\"function\":{\"arguments\":"u8);
        output.Write(rawFragment);
        output.Write("}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n"u8);
    }

    private void WriteFinishChunk(ReadOnlySpan<byte> finishReason, IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        _finishWritten = true;
        WriteChunkStart(output);
        output.Write("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\""u8);
        output.Write(finishReason);
        output.Write("\"}]}\n\n"u8);
    }

    // Writes `data: {"id":…,"object":"chat.completion.chunk","created":…,"model":…,"choices":[`.
    private void WriteChunkStart(IBufferWriter<byte> output) => output.Write(_chunkPrefix ??= BuildChunkPrefix(default, default));

    private byte[] BuildChunkPrefix(ReadOnlySpan<byte> rawId, ReadOnlySpan<byte> rawModel)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        buffer.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(buffer, AnthropicJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("id"u8);
            if (rawId.IsEmpty)
            {
                writer.WriteStringValue("chatcmpl-" + Guid.NewGuid().ToString("N"));
            }
            else
            {
                writer.WriteRawValue(rawId, skipInputValidation: true);
            }

            writer.WriteString("object"u8, "chat.completion.chunk"u8);
            writer.WriteNumber("created"u8, _created);
            writer.WritePropertyName("model"u8);
            if (rawModel.IsEmpty)
            {
                writer.WriteStringValue(_fallbackModel);
            }
            else
            {
                writer.WriteRawValue(rawModel, skipInputValidation: true);
            }

            writer.WriteStartArray("choices"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteRawStringOrEmpty(ReadOnlySpan<byte> rawString, IBufferWriter<byte> output) =>
        output.Write(rawString.IsEmpty ? "\"\""u8 : rawString);

    private static void WriteNumber(long value, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    private static EventType EventTypeOf(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("message_start"u8) ? EventType.MessageStart
        : name.SequenceEqual("content_block_start"u8) ? EventType.ContentBlockStart
        : name.SequenceEqual("content_block_delta"u8) ? EventType.ContentBlockDelta
        : name.SequenceEqual("content_block_stop"u8) ? EventType.ContentBlockStop
        : name.SequenceEqual("message_delta"u8) ? EventType.MessageDelta
        : name.SequenceEqual("message_stop"u8) ? EventType.MessageStop
        : name.SequenceEqual("ping"u8) ? EventType.Ping
        : name.SequenceEqual("error"u8) ? EventType.Error
        : EventType.Unknown;

    /// <summary>
    /// Everything any Anthropic event carries that the translation uses, read in one pass regardless of property
    /// order. String fields named Raw… are raw JSON tokens (quotes and escapes included) ready to be copied.
    /// </summary>
    private ref struct EventFields
    {
        public EventType Type;
        public BlockKind BlockType;
        public ReadOnlySpan<byte> BlockId;
        public ReadOnlySpan<byte> BlockName;
        public ReadOnlySpan<byte> BlockText;
        public DeltaKind DeltaType;
        public ReadOnlySpan<byte> DeltaText;
        public ReadOnlySpan<byte> DeltaPartialJson;
        public ReadOnlySpan<byte> FinishReason;
        public ReadOnlySpan<byte> MessageId;
        public ReadOnlySpan<byte> MessageModel;
        public AnthropicUsage Usage;
        public bool HasUsage;
        public ReadOnlySpan<byte> ErrorType;
        public ReadOnlySpan<byte> ErrorMessage;

        public static EventFields Read(ReadOnlySpan<byte> data)
        {
            var fields = default(EventFields);
            var reader = new Utf8JsonReader(data, AnthropicJson.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return fields;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    fields.Type = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? EventTypeOf(reader.ValueSpan) : EventType.Unknown;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("content_block"u8))
                {
                    reader.Read();
                    ReadContentBlock(ref reader, data, ref fields);
                }
                else if (reader.ValueTextEquals("delta"u8))
                {
                    reader.Read();
                    ReadDelta(ref reader, data, ref fields);
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    ReadMessage(ref reader, data, ref fields);
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    ReadUsage(ref reader, ref fields);
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    ReadError(ref reader, data, ref fields);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return fields;
        }

        private static void ReadContentBlock(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref EventFields fields)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    fields.BlockType = reader.TokenType != JsonTokenType.String ? BlockKind.Other
                        : reader.ValueTextEquals("text"u8) ? BlockKind.Text
                        : reader.ValueTextEquals("tool_use"u8) ? BlockKind.ToolUse
                        : BlockKind.Other;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    fields.BlockId = AnthropicJson.ReadRawString(ref reader, data);
                }
                else if (reader.ValueTextEquals("name"u8))
                {
                    fields.BlockName = AnthropicJson.ReadRawString(ref reader, data);
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    fields.BlockText = AnthropicJson.ReadRawString(ref reader, data);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        private static void ReadDelta(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref EventFields fields)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    fields.DeltaType = reader.TokenType != JsonTokenType.String ? DeltaKind.Other
                        : reader.ValueTextEquals("text_delta"u8) ? DeltaKind.Text
                        : reader.ValueTextEquals("input_json_delta"u8) ? DeltaKind.InputJson
                        : DeltaKind.Other;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    fields.DeltaText = AnthropicJson.ReadRawString(ref reader, data);
                }
                else if (reader.ValueTextEquals("partial_json"u8))
                {
                    fields.DeltaPartialJson = AnthropicJson.ReadRawString(ref reader, data);
                }
                else if (reader.ValueTextEquals("stop_reason"u8))
                {
                    fields.FinishReason = AnthropicStopReason.ReadFinishReason(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        private static void ReadMessage(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref EventFields fields)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    fields.MessageId = AnthropicJson.ReadRawString(ref reader, data);
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    fields.MessageModel = AnthropicJson.ReadRawString(ref reader, data);
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    ReadUsage(ref reader, ref fields);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        private static void ReadUsage(scoped ref Utf8JsonReader reader, ref EventFields fields)
        {
            reader.Read();
            fields.HasUsage = reader.TokenType == JsonTokenType.StartObject;
            fields.Usage = AnthropicUsage.Read(ref reader);
        }

        private static void ReadError(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref EventFields fields)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    fields.ErrorType = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? reader.ValueSpan : default;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    fields.ErrorMessage = AnthropicJson.ReadRawString(ref reader, data);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
    }
}
