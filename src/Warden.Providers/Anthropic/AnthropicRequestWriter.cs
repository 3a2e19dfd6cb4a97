using System.Buffers;
using System.Text.Json;

namespace Warden.Providers.Anthropic;

/// <summary>
/// Translates an OpenAI chat-completions body into an Anthropic Messages body with <see cref="Utf8JsonReader"/> and
/// <see cref="Utf8JsonWriter"/>: no DOM, and message text, tool ids and schemas are copied as the client's raw JSON
/// tokens. Fields of the wrong type are skipped (the gateway already validated the ones it relies on), so a
/// malformed optional field never turns into an exception.
/// </summary>
/// <remarks>
/// Anthropic wants strictly alternating user/assistant turns: every message is written as content blocks, and
/// blocks of consecutive messages that map to the same role (user text and tool results are both "user") go into one
/// turn. A turn is opened only when its first block is written, so messages without content leave no empty turn.
/// </remarks>
internal sealed class AnthropicRequestWriter
{
    /// <summary><c>max_tokens</c> when the client set none (Anthropic requires it).</summary>
    public const int DefaultMaxTokens = 4096;

    private readonly Utf8JsonWriter _writer;
    private TurnRole _openTurn;
    private bool _inToolResult;
    private bool _toolResultContentOpen;

    private AnthropicRequestWriter(Utf8JsonWriter writer)
    {
        _writer = writer;
    }

    private enum ChatRole
    {
        Other,
        System,
        User,
        Assistant,
        Tool,
    }

    private enum TurnRole
    {
        None,
        User,
        Assistant,
    }

    private enum PartType
    {
        Other,
        Text,
        ImageUrl,
        File,
    }

    /// <summary>Writes the Anthropic body for <paramref name="clientBody"/>, asking for <paramref name="upstreamModel"/>.</summary>
    public static void Write(ReadOnlySpan<byte> clientBody, string upstreamModel, IBufferWriter<byte> output)
    {
        var request = ChatRequestFields.Read(clientBody);
        using var writer = new Utf8JsonWriter(output, AnthropicJson.WriterOptions);
        new AnthropicRequestWriter(writer).WriteBody(request, upstreamModel);
    }

    private void WriteBody(ChatRequestFields request, string upstreamModel)
    {
        var writer = _writer;
        writer.WriteStartObject();
        writer.WriteString("model"u8, upstreamModel);
        WriteSystem(request.Messages);
        WriteMessages(request.Messages);
        if (WriteTools(request.Tools))
        {
            WriteToolChoice(request.ToolChoice, request.ParallelToolCalls);
        }

        writer.WriteNumber("max_tokens"u8, request.MaxCompletionTokens ?? request.MaxTokens ?? DefaultMaxTokens);
        if (request.Temperature is { } temperature)
        {
            // OpenAI accepts 0..2, Anthropic 0..1: the top of OpenAI's range maps to Anthropic's most random setting.
            writer.WriteNumber("temperature"u8, Math.Clamp(temperature, 0, 1));
        }

        if (!request.TopP.IsEmpty)
        {
            writer.WritePropertyName("top_p"u8);
            writer.WriteRawValue(request.TopP, skipInputValidation: true);
        }

        if (request.TopK is { } topK)
        {
            writer.WriteNumber("top_k"u8, topK);
        }

        WriteStopSequences(request.Stop);
        if (request.Stream)
        {
            writer.WriteBoolean("stream"u8, true);
        }

        var user = AnthropicJson.IsNonEmptyString(request.User) ? request.User : request.SafetyIdentifier;
        if (AnthropicJson.IsNonEmptyString(user))
        {
            writer.WriteStartObject("metadata"u8);
            writer.WritePropertyName("user_id"u8);
            writer.WriteRawValue(user, skipInputValidation: true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    // All system and developer messages, wherever they appear, become the top-level system prompt: a plain string
    // when there is one text without cache_control, otherwise an array of text blocks.
    private void WriteSystem(ReadOnlySpan<byte> messages)
    {
        var count = VisitSystemTexts(messages, write: false, asBlocks: false, out var anyCacheControl);
        if (count == 0)
        {
            return;
        }

        var asBlocks = count > 1 || anyCacheControl;
        _writer.WritePropertyName("system"u8);
        if (asBlocks)
        {
            _writer.WriteStartArray();
        }

        VisitSystemTexts(messages, write: true, asBlocks, out _);
        if (asBlocks)
        {
            _writer.WriteEndArray();
        }
    }

    private int VisitSystemTexts(ReadOnlySpan<byte> messages, bool write, bool asBlocks, out bool anyCacheControl)
    {
        var count = 0;
        anyCacheControl = false;
        if (!AnthropicJson.TryOpen(messages, out var reader) || reader.TokenType != JsonTokenType.StartArray)
        {
            return 0;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var message = MessageFields.Read(ref reader, messages);
            if (message.Role != ChatRole.System || !AnthropicJson.TryOpen(message.Content, out var content))
            {
                continue;
            }

            if (content.TokenType == JsonTokenType.String)
            {
                if (AnthropicJson.IsNonEmptyString(message.Content))
                {
                    count++;
                    if (write)
                    {
                        WriteSystemText(message.Content, default, asBlocks);
                    }
                }

                continue;
            }

            if (content.TokenType != JsonTokenType.StartArray)
            {
                continue;
            }

            while (content.Read() && content.TokenType != JsonTokenType.EndArray)
            {
                if (content.TokenType != JsonTokenType.StartObject)
                {
                    content.Skip();
                    continue;
                }

                var part = PartFields.Read(ref content, message.Content);
                if (part.Type == PartType.Text && AnthropicJson.IsNonEmptyString(part.Text))
                {
                    count++;
                    anyCacheControl |= !part.CacheControl.IsEmpty;
                    if (write)
                    {
                        WriteSystemText(part.Text, part.CacheControl, asBlocks);
                    }
                }
            }
        }

        return count;
    }

    private void WriteSystemText(ReadOnlySpan<byte> text, ReadOnlySpan<byte> cacheControl, bool asBlock)
    {
        if (!asBlock)
        {
            _writer.WriteRawValue(text, skipInputValidation: true);
            return;
        }

        _writer.WriteStartObject();
        _writer.WriteString("type"u8, "text"u8);
        _writer.WritePropertyName("text"u8);
        _writer.WriteRawValue(text, skipInputValidation: true);
        WriteCacheControl(cacheControl);
        _writer.WriteEndObject();
    }

    private void WriteMessages(ReadOnlySpan<byte> messages)
    {
        _writer.WriteStartArray("messages"u8);
        if (AnthropicJson.TryOpen(messages, out var reader) && reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                var message = MessageFields.Read(ref reader, messages);
                switch (message.Role)
                {
                    case ChatRole.User:
                        WriteContent(message.Content, TurnRole.User);
                        break;
                    case ChatRole.Assistant:
                        WriteContent(message.Content, TurnRole.Assistant);
                        WriteToolUses(message.ToolCalls);
                        break;
                    case ChatRole.Tool:
                        WriteToolResult(message.ToolCallId, message.Content);
                        break;
                    default:
                        // System prompts are hoisted; the legacy "function" role has no tool-use id to answer.
                        break;
                }
            }
        }

        CloseTurn();
        _writer.WriteEndArray();
    }

    // Opens the turn (or a tool result's content array) that the next block belongs to.
    private void BeginBlock(TurnRole role)
    {
        if (_inToolResult)
        {
            if (!_toolResultContentOpen)
            {
                _writer.WriteStartArray("content"u8);
                _toolResultContentOpen = true;
            }

            return;
        }

        if (_openTurn == role)
        {
            return;
        }

        CloseTurn();
        _writer.WriteStartObject();
        _writer.WriteString("role"u8, role == TurnRole.Assistant ? "assistant"u8 : "user"u8);
        _writer.WriteStartArray("content"u8);
        _openTurn = role;
    }

    private void CloseTurn()
    {
        if (_openTurn == TurnRole.None)
        {
            return;
        }

        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _openTurn = TurnRole.None;
    }

    private void WriteContent(ReadOnlySpan<byte> content, TurnRole role)
    {
        if (!AnthropicJson.TryOpen(content, out var reader))
        {
            return;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            if (AnthropicJson.IsNonEmptyString(content))
            {
                WriteTextBlock(content, default, role);
            }

            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var part = PartFields.Read(ref reader, content);
            switch (part.Type)
            {
                case PartType.Text when AnthropicJson.IsNonEmptyString(part.Text):
                    WriteTextBlock(part.Text, part.CacheControl, role);
                    break;
                case PartType.ImageUrl:
                    WriteImage(part.ImageUrl, part.CacheControl, role);
                    break;
                case PartType.File:
                    WriteFile(part.File, part.CacheControl, role);
                    break;
                default:
                    // Empty text, refusals, input_audio and unknown part types have no Anthropic block.
                    break;
            }
        }
    }

    private void WriteTextBlock(ReadOnlySpan<byte> text, ReadOnlySpan<byte> cacheControl, TurnRole role)
    {
        BeginBlock(role);
        _writer.WriteStartObject();
        _writer.WriteString("type"u8, "text"u8);
        _writer.WritePropertyName("text"u8);
        _writer.WriteRawValue(text, skipInputValidation: true);
        WriteCacheControl(cacheControl);
        _writer.WriteEndObject();
    }

    // image_url is a string (old clients) or {"url": …, "detail": …}; detail has no Anthropic equivalent.
    private void WriteImage(ReadOnlySpan<byte> imageUrl, ReadOnlySpan<byte> cacheControl, TurnRole role)
    {
        var url = ReadUrl(imageUrl);
        if (url.IsEmpty)
        {
            return;
        }

        if (!url.StartsWith("data:"u8))
        {
            BeginBlock(role);
            _writer.WriteStartObject();
            _writer.WriteString("type"u8, "image"u8);
            _writer.WriteStartObject("source"u8);
            _writer.WriteString("type"u8, "url"u8);
            _writer.WriteString("url"u8, url);
            _writer.WriteEndObject();
            WriteCacheControl(cacheControl);
            _writer.WriteEndObject();
            return;
        }

        if (TryParseDataUrl(url, out var mediaType, out var data))
        {
            WriteBase64Block(mediaType, data, default, cacheControl, role);
        }
    }

    // {"type":"file","file":{"file_data":"data:application/pdf;base64,…","filename":…}} → a document block.
    // Uploaded-file references (file_id) point into OpenAI's storage and cannot be forwarded.
    private void WriteFile(ReadOnlySpan<byte> file, ReadOnlySpan<byte> cacheControl, TurnRole role)
    {
        if (!AnthropicJson.TryOpen(file, out var reader) || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        ReadOnlySpan<byte> fileData = default;
        ReadOnlySpan<byte> fileName = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("file_data"u8))
            {
                fileData = AnthropicJson.ReadRawString(ref reader, file);
            }
            else if (reader.ValueTextEquals("filename"u8))
            {
                fileName = AnthropicJson.ReadRawString(ref reader, file);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var url = AnthropicJson.Unescape(fileData);
        if (url.StartsWith("data:"u8) && TryParseDataUrl(url, out var mediaType, out var data))
        {
            WriteBase64Block(mediaType, data, fileName, cacheControl, role);
        }
    }

    // PDFs become document blocks, everything else an image block (Anthropic names the media types it accepts).
    private void WriteBase64Block(ReadOnlySpan<byte> mediaType, ReadOnlySpan<byte> data, ReadOnlySpan<byte> title, ReadOnlySpan<byte> cacheControl, TurnRole role)
    {
        var isDocument = mediaType.SequenceEqual("application/pdf"u8);
        BeginBlock(role);
        _writer.WriteStartObject();
        _writer.WriteString("type"u8, isDocument ? "document"u8 : "image"u8);
        _writer.WriteStartObject("source"u8);
        _writer.WriteString("type"u8, "base64"u8);
        _writer.WriteString("media_type"u8, mediaType);
        _writer.WriteString("data"u8, data);
        _writer.WriteEndObject();
        if (isDocument && AnthropicJson.IsNonEmptyString(title))
        {
            _writer.WritePropertyName("title"u8);
            _writer.WriteRawValue(title, skipInputValidation: true);
        }

        WriteCacheControl(cacheControl);
        _writer.WriteEndObject();
    }

    private static ReadOnlySpan<byte> ReadUrl(ReadOnlySpan<byte> imageUrl)
    {
        if (!AnthropicJson.TryOpen(imageUrl, out var reader))
        {
            return default;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            return AnthropicJson.GetUtf8(ref reader);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("url"u8))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.String ? AnthropicJson.GetUtf8(ref reader) : default;
            }

            reader.Read();
            reader.Skip();
        }

        return default;
    }

    // data:<media type>[;parameters];base64,<data>. Anthropic takes base64 sources only.
    private static bool TryParseDataUrl(ReadOnlySpan<byte> url, out ReadOnlySpan<byte> mediaType, out ReadOnlySpan<byte> data)
    {
        mediaType = default;
        data = default;
        var comma = url.IndexOf((byte)',');
        if (comma < 5)
        {
            return false;
        }

        var header = url[5..comma];
        if (!header.EndsWith(";base64"u8))
        {
            return false;
        }

        header = header[..^";base64"u8.Length];
        var semicolon = header.IndexOf((byte)';');
        mediaType = semicolon < 0 ? header : header[..semicolon];
        data = url[(comma + 1)..];
        return !mediaType.IsEmpty && !data.IsEmpty;
    }

    private void WriteToolUses(ReadOnlySpan<byte> toolCalls)
    {
        if (!AnthropicJson.TryOpen(toolCalls, out var reader) || reader.TokenType != JsonTokenType.StartArray)
        {
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var call = ToolCallFields.Read(ref reader, toolCalls);
            BeginBlock(TurnRole.Assistant);
            _writer.WriteStartObject();
            _writer.WriteString("type"u8, "tool_use"u8);
            WriteRawStringProperty("id"u8, call.Id);
            WriteRawStringProperty("name"u8, call.Name);
            WriteToolInput(call.Arguments);
            _writer.WriteEndObject();
        }
    }

    // OpenAI sends the arguments as a string of JSON; Anthropic wants the object. Arguments that are not a JSON
    // object (a model may have produced broken JSON earlier in the conversation) become {} rather than failing.
    private void WriteToolInput(ReadOnlySpan<byte> arguments)
    {
        _writer.WritePropertyName("input"u8);
        if (AnthropicJson.TryOpen(arguments, out var reader))
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                var json = AnthropicJson.GetUtf8(ref reader);
                if (AnthropicJson.IsSingleObject(json))
                {
                    _writer.WriteRawValue(json, skipInputValidation: true);
                    return;
                }
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                _writer.WriteRawValue(arguments, skipInputValidation: true);
                return;
            }
        }

        _writer.WriteStartObject();
        _writer.WriteEndObject();
    }

    private void WriteToolResult(ReadOnlySpan<byte> toolCallId, ReadOnlySpan<byte> content)
    {
        BeginBlock(TurnRole.User);
        _writer.WriteStartObject();
        _writer.WriteString("type"u8, "tool_result"u8);
        WriteRawStringProperty("tool_use_id"u8, toolCallId);
        if (AnthropicJson.TryOpen(content, out var reader))
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                if (AnthropicJson.IsNonEmptyString(content))
                {
                    _writer.WritePropertyName("content"u8);
                    _writer.WriteRawValue(content, skipInputValidation: true);
                }
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                _inToolResult = true;
                _toolResultContentOpen = false;
                WriteContent(content, TurnRole.User);
                if (_toolResultContentOpen)
                {
                    _writer.WriteEndArray();
                }

                _inToolResult = false;
            }
        }

        _writer.WriteEndObject();
    }

    private bool WriteTools(ReadOnlySpan<byte> tools)
    {
        if (!AnthropicJson.TryOpen(tools, out var reader) || reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var wrote = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var tool = ToolFields.Read(ref reader, tools);
            if (!tool.IsFunction || !AnthropicJson.IsNonEmptyString(tool.Name))
            {
                continue;
            }

            if (!wrote)
            {
                _writer.WriteStartArray("tools"u8);
                wrote = true;
            }

            _writer.WriteStartObject();
            WriteRawStringProperty("name"u8, tool.Name);
            if (AnthropicJson.IsNonEmptyString(tool.Description))
            {
                WriteRawStringProperty("description"u8, tool.Description);
            }

            _writer.WritePropertyName("input_schema"u8);
            if (tool.Parameters.IsEmpty)
            {
                // A function without parameters; Anthropic requires an object schema.
                _writer.WriteStartObject();
                _writer.WriteString("type"u8, "object"u8);
                _writer.WriteStartObject("properties"u8);
                _writer.WriteEndObject();
                _writer.WriteEndObject();
            }
            else
            {
                _writer.WriteRawValue(tool.Parameters, skipInputValidation: true);
            }

            WriteCacheControl(tool.CacheControl);
            _writer.WriteEndObject();
        }

        if (wrote)
        {
            _writer.WriteEndArray();
        }

        return wrote;
    }

    // "auto" → auto, "required" → any, "none" → none, {"type":"function","function":{"name":X}} → {"type":"tool","name":X};
    // parallel_tool_calls: false → disable_parallel_tool_use (which Anthropic does not accept with "none").
    private void WriteToolChoice(ReadOnlySpan<byte> toolChoice, bool? parallelToolCalls)
    {
        ReadOnlySpan<byte> type = default;
        ReadOnlySpan<byte> name = default;
        if (AnthropicJson.TryOpen(toolChoice, out var reader))
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                type = reader.ValueTextEquals("none"u8) ? "none"u8 : reader.ValueTextEquals("required"u8) ? "any"u8 : "auto"u8;
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                var isFunction = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("type"u8))
                    {
                        reader.Read();
                        isFunction = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("function"u8);
                    }
                    else if (reader.ValueTextEquals("function"u8))
                    {
                        reader.Read();
                        name = ReadNameProperty(ref reader, toolChoice);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                // Other objects (e.g. allowed_tools) leave the choice to the model.
                type = isFunction && AnthropicJson.IsNonEmptyString(name) ? "tool"u8 : "auto"u8;
            }
        }

        var disableParallel = parallelToolCalls == false;
        if (type.IsEmpty)
        {
            if (!disableParallel)
            {
                return;
            }

            type = "auto"u8;
        }

        _writer.WriteStartObject("tool_choice"u8);
        _writer.WriteString("type"u8, type);
        if (type.SequenceEqual("tool"u8))
        {
            WriteRawStringProperty("name"u8, name);
        }

        if (disableParallel && !type.SequenceEqual("none"u8))
        {
            _writer.WriteBoolean("disable_parallel_tool_use"u8, true);
        }

        _writer.WriteEndObject();
    }

    private void WriteStopSequences(ReadOnlySpan<byte> stop)
    {
        if (!AnthropicJson.TryOpen(stop, out var reader))
        {
            return;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            if (AnthropicJson.IsNonEmptyString(stop))
            {
                _writer.WriteStartArray("stop_sequences"u8);
                _writer.WriteRawValue(stop, skipInputValidation: true);
                _writer.WriteEndArray();
            }

            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return;
        }

        var wrote = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var raw = AnthropicJson.ReadRawValue(ref reader, stop);
            if (reader.TokenType != JsonTokenType.String || !AnthropicJson.IsNonEmptyString(raw))
            {
                continue;
            }

            if (!wrote)
            {
                _writer.WriteStartArray("stop_sequences"u8);
                wrote = true;
            }

            _writer.WriteRawValue(raw, skipInputValidation: true);
        }

        if (wrote)
        {
            _writer.WriteEndArray();
        }
    }

    private void WriteRawStringProperty(ReadOnlySpan<byte> name, ReadOnlySpan<byte> rawString)
    {
        if (rawString.IsEmpty)
        {
            return;
        }

        _writer.WritePropertyName(name);
        _writer.WriteRawValue(rawString, skipInputValidation: true);
    }

    // cache_control on content parts and tools is not OpenAI, but clients written for LiteLLM-style gateways send it
    // to opt into Anthropic prompt caching; it is forwarded unchanged.
    private void WriteCacheControl(ReadOnlySpan<byte> cacheControl)
    {
        if (cacheControl.IsEmpty)
        {
            return;
        }

        _writer.WritePropertyName("cache_control"u8);
        _writer.WriteRawValue(cacheControl, skipInputValidation: true);
    }

    // Reads {"name": …} (the reader is on the object's first token) and returns the raw name string.
    private static ReadOnlySpan<byte> ReadNameProperty(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return default;
        }

        ReadOnlySpan<byte> name = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                name = AnthropicJson.ReadRawString(ref reader, source);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return name;
    }

    private static ReadOnlySpan<byte> ReadRawObject(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return AnthropicJson.ReadRawValue(ref reader, source);
        }

        reader.Skip();
        return default;
    }

    /// <summary>The top-level fields of the client's body that the translation uses.</summary>
    private ref struct ChatRequestFields
    {
        public ReadOnlySpan<byte> Messages;
        public ReadOnlySpan<byte> Tools;
        public ReadOnlySpan<byte> ToolChoice;
        public ReadOnlySpan<byte> Stop;
        public ReadOnlySpan<byte> User;
        public ReadOnlySpan<byte> SafetyIdentifier;
        public ReadOnlySpan<byte> TopP;
        public long? MaxCompletionTokens;
        public long? MaxTokens;
        public double? Temperature;
        public long? TopK;
        public bool Stream;
        public bool? ParallelToolCalls;

        public static ChatRequestFields Read(ReadOnlySpan<byte> body)
        {
            var fields = default(ChatRequestFields);
            var reader = new Utf8JsonReader(body, AnthropicJson.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return fields;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    fields.Messages = AnthropicJson.ReadRawValue(ref reader, body);
                }
                else if (reader.ValueTextEquals("tools"u8))
                {
                    reader.Read();
                    fields.Tools = AnthropicJson.ReadRawValue(ref reader, body);
                }
                else if (reader.ValueTextEquals("tool_choice"u8))
                {
                    reader.Read();
                    fields.ToolChoice = AnthropicJson.ReadRawValue(ref reader, body);
                }
                else if (reader.ValueTextEquals("stop"u8))
                {
                    reader.Read();
                    fields.Stop = AnthropicJson.ReadRawValue(ref reader, body);
                }
                else if (reader.ValueTextEquals("user"u8))
                {
                    fields.User = AnthropicJson.ReadRawString(ref reader, body);
                }
                else if (reader.ValueTextEquals("safety_identifier"u8))
                {
                    fields.SafetyIdentifier = AnthropicJson.ReadRawString(ref reader, body);
                }
                else if (reader.ValueTextEquals("max_completion_tokens"u8))
                {
                    fields.MaxCompletionTokens = ReadPositive(ref reader);
                }
                else if (reader.ValueTextEquals("max_tokens"u8))
                {
                    fields.MaxTokens = ReadPositive(ref reader);
                }
                else if (reader.ValueTextEquals("temperature"u8))
                {
                    reader.Read();
                    fields.Temperature = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value) ? value : null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("top_p"u8))
                {
                    reader.Read();
                    var raw = AnthropicJson.ReadRawValue(ref reader, body);
                    fields.TopP = reader.TokenType == JsonTokenType.Number ? raw : default;
                }
                else if (reader.ValueTextEquals("top_k"u8))
                {
                    fields.TopK = ReadPositive(ref reader);
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    fields.Stream = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("parallel_tool_calls"u8))
                {
                    reader.Read();
                    fields.ParallelToolCalls = reader.TokenType switch
                    {
                        JsonTokenType.True => true,
                        JsonTokenType.False => false,
                        _ => null,
                    };
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return fields;
        }

        private static long? ReadPositive(scoped ref Utf8JsonReader reader) => AnthropicJson.ReadCount(ref reader) is { } value and > 0 ? value : null;
    }

    /// <summary>One message: role, and the raw content, tool calls and tool call id.</summary>
    private ref struct MessageFields
    {
        public ChatRole Role;
        public ReadOnlySpan<byte> Content;
        public ReadOnlySpan<byte> ToolCalls;
        public ReadOnlySpan<byte> ToolCallId;

        // The reader is on the message's StartObject and is left on its EndObject.
        public static MessageFields Read(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
        {
            var fields = default(MessageFields);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("role"u8))
                {
                    reader.Read();
                    fields.Role = reader.TokenType != JsonTokenType.String ? ChatRole.Other
                        : reader.ValueTextEquals("user"u8) ? ChatRole.User
                        : reader.ValueTextEquals("assistant"u8) ? ChatRole.Assistant
                        : reader.ValueTextEquals("tool"u8) ? ChatRole.Tool
                        : reader.ValueTextEquals("system"u8) || reader.ValueTextEquals("developer"u8) ? ChatRole.System
                        : ChatRole.Other;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    fields.Content = AnthropicJson.ReadRawValue(ref reader, source);
                }
                else if (reader.ValueTextEquals("tool_calls"u8))
                {
                    reader.Read();
                    fields.ToolCalls = AnthropicJson.ReadRawValue(ref reader, source);
                }
                else if (reader.ValueTextEquals("tool_call_id"u8))
                {
                    fields.ToolCallId = AnthropicJson.ReadRawString(ref reader, source);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return fields;
        }
    }

    /// <summary>One content part: its type and the raw fields a block is built from.</summary>
    private ref struct PartFields
    {
        public PartType Type;
        public ReadOnlySpan<byte> Text;
        public ReadOnlySpan<byte> ImageUrl;
        public ReadOnlySpan<byte> File;
        public ReadOnlySpan<byte> CacheControl;

        public static PartFields Read(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
        {
            var fields = default(PartFields);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    fields.Type = reader.TokenType != JsonTokenType.String ? PartType.Other
                        : reader.ValueTextEquals("text"u8) ? PartType.Text
                        : reader.ValueTextEquals("image_url"u8) ? PartType.ImageUrl
                        : reader.ValueTextEquals("file"u8) ? PartType.File
                        : PartType.Other;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    fields.Text = AnthropicJson.ReadRawString(ref reader, source);
                }
                else if (reader.ValueTextEquals("image_url"u8))
                {
                    reader.Read();
                    fields.ImageUrl = AnthropicJson.ReadRawValue(ref reader, source);
                }
                else if (reader.ValueTextEquals("file"u8))
                {
                    fields.File = ReadRawObject(ref reader, source);
                }
                else if (reader.ValueTextEquals("cache_control"u8))
                {
                    fields.CacheControl = ReadRawObject(ref reader, source);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return fields;
        }
    }

    /// <summary>One assistant tool call: raw id, function name and arguments.</summary>
    private ref struct ToolCallFields
    {
        public ReadOnlySpan<byte> Id;
        public ReadOnlySpan<byte> Name;
        public ReadOnlySpan<byte> Arguments;

        public static ToolCallFields Read(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
        {
            var fields = default(ToolCallFields);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    fields.Id = AnthropicJson.ReadRawString(ref reader, source);
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("name"u8))
                        {
                            fields.Name = AnthropicJson.ReadRawString(ref reader, source);
                        }
                        else if (reader.ValueTextEquals("arguments"u8))
                        {
                            reader.Read();
                            fields.Arguments = AnthropicJson.ReadRawValue(ref reader, source);
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

            return fields;
        }
    }

    /// <summary>One tool definition: whether it is a function tool, and its raw name, description, schema.</summary>
    private ref struct ToolFields
    {
        public bool IsFunction;
        public ReadOnlySpan<byte> Name;
        public ReadOnlySpan<byte> Description;
        public ReadOnlySpan<byte> Parameters;
        public ReadOnlySpan<byte> CacheControl;

        public static ToolFields Read(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
        {
            var fields = default(ToolFields);
            fields.IsFunction = true;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    fields.IsFunction = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("function"u8);
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("cache_control"u8))
                {
                    fields.CacheControl = ReadRawObject(ref reader, source);
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("name"u8))
                        {
                            fields.Name = AnthropicJson.ReadRawString(ref reader, source);
                        }
                        else if (reader.ValueTextEquals("description"u8))
                        {
                            fields.Description = AnthropicJson.ReadRawString(ref reader, source);
                        }
                        else if (reader.ValueTextEquals("parameters"u8))
                        {
                            fields.Parameters = ReadRawObject(ref reader, source);
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

            return fields;
        }
    }
}
