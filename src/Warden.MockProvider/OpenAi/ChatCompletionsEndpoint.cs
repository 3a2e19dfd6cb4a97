using System.Text;
using System.Text.Json;
using Warden.MockProvider.Http;
using Warden.MockProvider.Text;

namespace Warden.MockProvider.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: a <c>chat.completion</c> object, or with <c>stream: true</c> a stream of
/// <c>chat.completion.chunk</c> events: a role chunk, one content chunk per token (or tool-call deltas), a chunk
/// with the finish reason, a usage chunk with <c>choices: []</c> only when <c>stream_options.include_usage</c> is
/// true, then <c>data: [DONE]</c>.
/// </summary>
internal static class ChatCompletionsEndpoint
{
    /// <summary>A user message containing this (any case) makes the mock call a tool when tools are offered.</summary>
    public const string ToolTrigger = "call tool";

    private const string Fingerprint = "fp_mock";

    public static async Task HandleAsync(MockExchange exchange)
    {
        var body = exchange.Body;
        if (exchange.Model.Length == 0)
        {
            await exchange.InvalidAsync(OpenAiRequest.MissingModel);
            return;
        }

        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            await exchange.InvalidAsync("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
            return;
        }

        if (messages.GetArrayLength() == 0)
        {
            await exchange.InvalidAsync("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
            return;
        }

        if (!OpenAiRequest.TryGetInt(body, "n", 1, 128, out var n, out var error)
            || !OpenAiRequest.TryGetInt(body, "max_completion_tokens", 1, int.MaxValue, out var maxCompletionTokens, out error)
            || !OpenAiRequest.TryGetInt(body, "max_tokens", 1, int.MaxValue, out var maxTokens, out error))
        {
            await exchange.InvalidAsync(error!.Message, error.Param, "invalid_value");
            return;
        }

        var prompt = new StringBuilder();
        var lastUser = "";
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var start = prompt.Length;
            if (message.TryGetProperty("content", out var content))
            {
                OpenAiRequest.AppendContent(prompt, content);
            }

            if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in toolCalls.EnumerateArray())
                {
                    if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
                    {
                        prompt.Append(Text(function, "name")).Append(Text(function, "arguments")).Append('\n');
                    }
                }
            }

            if (Text(message, "role") == "user")
            {
                lastUser = prompt.ToString(start, prompt.Length - start);
            }
        }

        var promptText = prompt.ToString();
        var seed = StableHash.Of(promptText);
        var tool = ChooseTool(body, lastUser);
        var answers = new Answer[n ?? 1];
        for (var i = 0; i < answers.Length; i++)
        {
            var choiceSeed = StableHash.Mix(seed, (ulong)i);
            answers[i] = exchange.Controls.Echo ? Answer.Echo(promptText)
                : tool is { } chosen
                ? Answer.FromTool(new ToolCall(MockIds.ToolCall(), chosen.Name, ToolArguments.Create(chosen.Parameters, StableHash.Mix(choiceSeed, StableHash.Of(chosen.Name)))))
                : Answer.FromText(choiceSeed, exchange.Controls.OutputTokens, maxCompletionTokens ?? maxTokens);
        }

        var promptTokens = MockText.CountTokens(promptText.Length);
        var response = new ChatResponse(
            MockIds.ChatCompletion(),
            exchange.Created,
            exchange.Model,
            answers,
            promptTokens,
            OpenAiRequest.CachedTokens(exchange.Controls, promptTokens),
            OpenAiRequest.IncludeUsage(body));

        if (OpenAiRequest.GetBool(body, "stream"))
        {
            await StreamAsync(exchange, response);
        }
        else
        {
            await exchange.WriteJsonAsync(response, WriteCompletion);
        }
    }

    /// <summary>
    /// The tool to call, if any: <c>tool_choice</c> naming a function or <c>required</c> forces one; <c>none</c>
    /// forbids it; otherwise (<c>auto</c>) the last user message must contain <see cref="ToolTrigger"/>.
    /// </summary>
    private static (string Name, JsonElement Parameters)? ChooseTool(JsonElement body, string lastUser)
    {
        if (!body.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() == 0)
        {
            return null;
        }

        string? forced = null;
        var wanted = lastUser.Contains(ToolTrigger, StringComparison.OrdinalIgnoreCase);
        if (body.TryGetProperty("tool_choice", out var choice))
        {
            if (choice.ValueKind == JsonValueKind.String)
            {
                var mode = choice.GetString();
                if (mode == "none")
                {
                    return null;
                }

                wanted |= mode == "required";
            }
            else if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
            {
                forced = Text(function, "name");
                wanted = forced.Length > 0;
            }
        }

        if (!wanted)
        {
            return null;
        }

        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var name = Text(function, "name");
            if (forced is null || name == forced)
            {
                return (name, function.TryGetProperty("parameters", out var parameters) ? parameters : default);
            }
        }

        // A forced function that is not among the tools is still called, with no arguments.
        return forced is null ? null : (forced, default);
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    private static string FinishReason(Answer answer) => answer.Tool is not null ? "tool_calls" : answer.Truncated ? "length" : "stop";

    private static void WriteCompletion(Utf8JsonWriter writer, ChatResponse response)
    {
        writer.WriteStartObject();
        writer.WriteString("id", response.Id);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", response.Created);
        writer.WriteString("model", response.Model);
        writer.WriteStartArray("choices");
        for (var i = 0; i < response.Answers.Length; i++)
        {
            var answer = response.Answers[i];
            writer.WriteStartObject();
            writer.WriteNumber("index", i);
            writer.WriteStartObject("message");
            writer.WriteString("role", "assistant");
            if (answer.Tool is { } tool)
            {
                writer.WriteNull("content");
                writer.WriteNull("refusal");
                writer.WriteStartArray("tool_calls");
                writer.WriteStartObject();
                writer.WriteString("id", tool.Id);
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", tool.Name);
                writer.WriteString("arguments", tool.Arguments);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteString("content", answer.Text);
                writer.WriteNull("refusal");
            }

            writer.WriteStartArray("annotations");
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            writer.WriteString("finish_reason", FinishReason(answer));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        OpenAiRequest.WriteUsage(writer, response.PromptTokens, response.CompletionTokens, response.CachedTokens);
        writer.WriteString("service_tier", "default");
        writer.WriteString("system_fingerprint", Fingerprint);
        writer.WriteEndObject();
    }

    private static async Task StreamAsync(MockExchange exchange, ChatResponse response)
    {
        using var stream = exchange.OpenStream();

        // Each choice's deltas, sent round-robin so that n > 1 interleaves choices the way OpenAI does.
        var deltas = response.Answers.Select(Deltas).ToArray();
        var steps = deltas.Max(d => d.Count);
        for (var step = 0; step < steps; step++)
        {
            for (var index = 0; index < deltas.Length; index++)
            {
                if (step >= deltas[index].Count)
                {
                    continue;
                }

                var delta = deltas[index][step];
                if (!await stream.WriteAsync(null, (response, index, delta), static (writer, s) => WriteChunk(writer, s.response, s.index, s.delta)))
                {
                    return;
                }
            }
        }

        if (response.IncludeUsage
            && !await stream.WriteAsync(null, response, static (writer, r) => WriteChunk(writer, r, -1, default)))
        {
            return;
        }

        await stream.WriteDoneAsync();
    }

    private static List<ChatDelta> Deltas(Answer answer)
    {
        var deltas = new List<ChatDelta>();
        if (answer.Tool is { } tool)
        {
            deltas.Add(new ChatDelta(ChatDeltaKind.RoleWithTool, tool, ""));
            deltas.AddRange(tool.ArgumentPieces().Select(piece => new ChatDelta(ChatDeltaKind.ToolArguments, tool, piece)));
        }
        else
        {
            deltas.Add(new ChatDelta(ChatDeltaKind.Role, null, ""));
            deltas.AddRange(answer.Tokens.Select(token => new ChatDelta(ChatDeltaKind.Content, null, token)));
        }

        deltas.Add(new ChatDelta(ChatDeltaKind.Finish, null, FinishReason(answer)));
        return deltas;
    }

    /// <summary>One <c>chat.completion.chunk</c>; <paramref name="index"/> -1 is the usage chunk (empty choices).</summary>
    private static void WriteChunk(Utf8JsonWriter writer, ChatResponse response, int index, ChatDelta delta)
    {
        writer.WriteStartObject();
        writer.WriteString("id", response.Id);
        writer.WriteString("object", "chat.completion.chunk");
        writer.WriteNumber("created", response.Created);
        writer.WriteString("model", response.Model);
        writer.WriteString("service_tier", "default");
        writer.WriteString("system_fingerprint", Fingerprint);
        writer.WriteStartArray("choices");
        if (index >= 0)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", index);
            writer.WriteStartObject("delta");
            switch (delta.Kind)
            {
                case ChatDeltaKind.Role:
                    writer.WriteString("role", "assistant");
                    writer.WriteString("content", "");
                    writer.WriteNull("refusal");
                    break;
                case ChatDeltaKind.RoleWithTool:
                    writer.WriteString("role", "assistant");
                    writer.WriteNull("content");
                    WriteToolCallDelta(writer, delta.Tool!, includeHeader: true, "");
                    writer.WriteNull("refusal");
                    break;
                case ChatDeltaKind.Content:
                    writer.WriteString("content", delta.Text);
                    break;
                case ChatDeltaKind.ToolArguments:
                    WriteToolCallDelta(writer, delta.Tool!, includeHeader: false, delta.Text);
                    break;
                case ChatDeltaKind.Finish:
                default:
                    break;
            }

            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            if (delta.Kind == ChatDeltaKind.Finish)
            {
                writer.WriteString("finish_reason", delta.Text);
            }
            else
            {
                writer.WriteNull("finish_reason");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (response.IncludeUsage)
        {
            if (index >= 0)
            {
                writer.WriteNull("usage");
            }
            else
            {
                OpenAiRequest.WriteUsage(writer, response.PromptTokens, response.CompletionTokens, response.CachedTokens);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteToolCallDelta(Utf8JsonWriter writer, ToolCall tool, bool includeHeader, string arguments)
    {
        writer.WriteStartArray("tool_calls");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        if (includeHeader)
        {
            writer.WriteString("id", tool.Id);
            writer.WriteString("type", "function");
        }

        writer.WriteStartObject("function");
        if (includeHeader)
        {
            writer.WriteString("name", tool.Name);
        }

        writer.WriteString("arguments", arguments);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
    }
}
