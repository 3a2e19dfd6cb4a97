using System.Text.Json;
using Warden.MockProvider.Http;
using Warden.MockProvider.OpenAi;
using Warden.MockProvider.Text;

namespace Warden.MockProvider.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c> (Anthropic Messages API): a <c>message</c> object with a text or <c>tool_use</c> block;
/// streamed as Anthropic's event sequence <c>message_start</c>, <c>content_block_start</c>, <c>ping</c>,
/// <c>content_block_delta</c>…, <c>content_block_stop</c>, <c>message_delta</c>, <c>message_stop</c>.
/// Also <c>POST /v1/messages/count_tokens</c>.
/// </summary>
internal static class MessagesEndpoint
{
    public static async Task HandleAsync(MockExchange exchange)
    {
        var body = exchange.Body;
        if (!await TryValidateAsync(exchange, requireMaxTokens: true))
        {
            return;
        }

        var messages = body.GetProperty("messages");
        var maxTokens = body.GetProperty("max_tokens").GetInt32();
        var request = MessagesRequest.Read(body, messages);
        var seed = StableHash.Of(request.PromptText);
        var tool = ChooseTool(body, request.LastUserText);
        var answer = tool is { } chosen
            ? Answer.FromTool(new ToolCall(MockIds.ToolUse(), chosen.Name, ToolArguments.Create(chosen.Schema, StableHash.Mix(seed, StableHash.Of(chosen.Name)))))
            : Answer.FromText(seed, exchange.Controls.OutputTokens, maxTokens);
        var response = new MessagesResponse(MockIds.Message(), exchange.Model, answer, MessagesUsage.From(request, exchange.Controls));

        if (OpenAiRequest.GetBool(body, "stream"))
        {
            await StreamAsync(exchange, response);
        }
        else
        {
            await exchange.WriteJsonAsync(response, WriteMessage);
        }
    }

    public static async Task CountTokensAsync(MockExchange exchange)
    {
        if (!await TryValidateAsync(exchange, requireMaxTokens: false))
        {
            return;
        }

        var request = MessagesRequest.Read(exchange.Body, exchange.Body.GetProperty("messages"));
        await exchange.WriteJsonAsync(request.PromptTokens, static (writer, tokens) =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("input_tokens", tokens);
            writer.WriteEndObject();
        });
    }

    /// <summary>The checks the real API makes first, with its <c>field: Field required</c> messages.</summary>
    private static async Task<bool> TryValidateAsync(MockExchange exchange, bool requireMaxTokens)
    {
        var body = exchange.Body;
        string? problem = null;
        if (exchange.Model.Length == 0)
        {
            problem = "model: Field required";
        }
        else if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            problem = "messages: Field required";
        }
        else if (requireMaxTokens)
        {
            if (!body.TryGetProperty("max_tokens", out var max))
            {
                problem = "max_tokens: Field required";
            }
            else if (max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out var value) || value < 1)
            {
                problem = "max_tokens: Input should be a valid integer greater than or equal to 1";
            }
        }

        if (problem is null)
        {
            return true;
        }

        await exchange.InvalidAsync(problem);
        return false;
    }

    /// <summary>
    /// The tool to use, if any: <c>tool_choice</c> <c>{"type":"tool","name":…}</c> or <c>{"type":"any"}</c> forces
    /// one, <c>{"type":"none"}</c> forbids it; otherwise the last user message must contain "call tool".
    /// </summary>
    private static (string Name, JsonElement Schema)? ChooseTool(JsonElement body, string lastUser)
    {
        if (!body.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() == 0)
        {
            return null;
        }

        string? forced = null;
        var wanted = lastUser.Contains(ChatCompletionsEndpoint.ToolTrigger, StringComparison.OrdinalIgnoreCase);
        if (body.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.Object
            && choice.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            switch (type.GetString())
            {
                case "none":
                    return null;
                case "any":
                    wanted = true;
                    break;
                case "tool":
                    forced = choice.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
                    wanted = !string.IsNullOrEmpty(forced);
                    break;
                default:
                    break;
            }
        }

        if (!wanted)
        {
            return null;
        }

        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var toolName = nameElement.GetString()!;
            if (forced is null || toolName == forced)
            {
                return (toolName, tool.TryGetProperty("input_schema", out var schema) ? schema : default);
            }
        }

        return forced is null ? null : (forced, default);
    }

    private static void WriteMessage(Utf8JsonWriter writer, MessagesResponse response)
    {
        writer.WriteStartObject();
        writer.WriteString("id", response.Id);
        writer.WriteString("type", "message");
        writer.WriteString("role", "assistant");
        writer.WriteString("model", response.Model);
        writer.WriteStartArray("content");
        if (response.Answer.Tool is { } tool)
        {
            WriteToolUseBlock(writer, tool, withInput: true);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", response.Answer.Text);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("stop_reason", response.StopReason);
        writer.WriteNull("stop_sequence");
        response.Usage.Write(writer, response.Answer.OutputTokens);
        writer.WriteEndObject();
    }

    private static void WriteToolUseBlock(Utf8JsonWriter writer, ToolCall tool, bool withInput)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "tool_use");
        writer.WriteString("id", tool.Id);
        writer.WriteString("name", tool.Name);
        writer.WritePropertyName("input");
        if (withInput)
        {
            writer.WriteRawValue(tool.Arguments, skipInputValidation: true);
        }
        else
        {
            // The streamed block starts empty; the input arrives as input_json_delta pieces.
            writer.WriteStartObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static async Task StreamAsync(MockExchange exchange, MessagesResponse response)
    {
        using var stream = exchange.OpenStream();
        if (!await stream.WriteAsync("message_start", response, static (writer, r) =>
            {
                writer.WriteStartObject();
                writer.WriteString("type", "message_start");
                writer.WriteStartObject("message");
                writer.WriteString("id", r.Id);
                writer.WriteString("type", "message");
                writer.WriteString("role", "assistant");
                writer.WriteString("model", r.Model);
                writer.WriteStartArray("content");
                writer.WriteEndArray();
                writer.WriteNull("stop_reason");
                writer.WriteNull("stop_sequence");
                // Like the real API, message_start reports the input and a provisional output count of 1.
                r.Usage.Write(writer, outputTokens: 1);
                writer.WriteEndObject();
                writer.WriteEndObject();
            })
            || !await stream.WriteAsync("content_block_start", response.Answer.Tool, static (writer, tool) =>
            {
                writer.WriteStartObject();
                writer.WriteString("type", "content_block_start");
                writer.WriteNumber("index", 0);
                writer.WritePropertyName("content_block");
                if (tool is not null)
                {
                    WriteToolUseBlock(writer, tool, withInput: false);
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WriteString("text", "");
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            })
            || !await stream.WriteAsync("ping", 0, static (writer, _) =>
            {
                writer.WriteStartObject();
                writer.WriteString("type", "ping");
                writer.WriteEndObject();
            }))
        {
            return;
        }

        // Text arrives one token per delta; tool input as JSON pieces, starting with an empty one as Anthropic does.
        var isTool = response.Answer.Tool is not null;
        var pieces = response.Answer.Tool is { } tool ? tool.ArgumentPieces().Prepend("") : response.Answer.Tokens;
        foreach (var piece in pieces)
        {
            if (!await stream.WriteAsync("content_block_delta", (isTool, piece), static (writer, d) =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "content_block_delta");
                    writer.WriteNumber("index", 0);
                    writer.WriteStartObject("delta");
                    if (d.isTool)
                    {
                        writer.WriteString("type", "input_json_delta");
                        writer.WriteString("partial_json", d.piece);
                    }
                    else
                    {
                        writer.WriteString("type", "text_delta");
                        writer.WriteString("text", d.piece);
                    }

                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }))
            {
                return;
            }
        }

        _ = await stream.WriteAsync("content_block_stop", 0, static (writer, _) =>
            {
                writer.WriteStartObject();
                writer.WriteString("type", "content_block_stop");
                writer.WriteNumber("index", 0);
                writer.WriteEndObject();
            })
            && await stream.WriteAsync("message_delta", response, static (writer, r) =>
            {
                writer.WriteStartObject();
                writer.WriteString("type", "message_delta");
                writer.WriteStartObject("delta");
                writer.WriteString("stop_reason", r.StopReason);
                writer.WriteNull("stop_sequence");
                writer.WriteEndObject();
                writer.WriteStartObject("usage");
                writer.WriteNumber("output_tokens", r.Answer.OutputTokens);
                writer.WriteEndObject();
                writer.WriteEndObject();
            })
            && await stream.WriteAsync("message_stop", 0, static (writer, _) =>
            {
                writer.WriteStartObject();
                writer.WriteString("type", "message_stop");
                writer.WriteEndObject();
            });
    }
}
