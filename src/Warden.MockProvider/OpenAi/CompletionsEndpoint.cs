using System.Text.Json;
using Warden.MockProvider.Http;
using Warden.MockProvider.Text;

namespace Warden.MockProvider.OpenAi;

/// <summary>
/// <c>POST /v1/completions</c> (legacy): a <c>text_completion</c> object with one choice per prompt and per
/// <c>n</c>; streamed as <c>text_completion</c> chunks of one token each, a final chunk with the finish reason, the
/// usage chunk when <c>stream_options.include_usage</c> is true, then <c>data: [DONE]</c>.
/// </summary>
internal static class CompletionsEndpoint
{
    private const string Fingerprint = "fp_mock";

    public static async Task HandleAsync(MockExchange exchange)
    {
        var body = exchange.Body;
        if (exchange.Model.Length == 0)
        {
            await exchange.InvalidAsync(OpenAiRequest.MissingModel);
            return;
        }

        if (!body.TryGetProperty("prompt", out var promptElement) || !TryReadPrompts(promptElement, out var prompts))
        {
            await exchange.InvalidAsync("Missing or invalid parameter: 'prompt' must be a string, an array of strings, or an array of token arrays.", "prompt", "invalid_value");
            return;
        }

        if (!OpenAiRequest.TryGetInt(body, "n", 1, 128, out var n, out var error)
            || !OpenAiRequest.TryGetInt(body, "max_tokens", 1, int.MaxValue, out var maxTokens, out error))
        {
            await exchange.InvalidAsync(error!.Message, error.Param, "invalid_value");
            return;
        }

        var perPrompt = n ?? 1;
        var answers = new Answer[prompts.Count * perPrompt];
        var promptTokens = 0;
        for (var p = 0; p < prompts.Count; p++)
        {
            var (text, tokens) = prompts[p];
            promptTokens += tokens;
            var seed = StableHash.Of(text);
            for (var j = 0; j < perPrompt; j++)
            {
                answers[(p * perPrompt) + j] = Answer.FromText(StableHash.Mix(seed, (ulong)j), exchange.Controls.OutputTokens, maxTokens);
            }
        }

        var response = new ChatResponse(
            MockIds.Completion(),
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

    /// <summary>The prompts with their token counts: text counts ~4 characters a token, a token array its length.</summary>
    private static bool TryReadPrompts(JsonElement prompt, out List<(string Text, int Tokens)> prompts)
    {
        prompts = [];
        switch (prompt.ValueKind)
        {
            case JsonValueKind.String:
                var single = prompt.GetString()!;
                prompts.Add((single, MockText.CountTokens(single.Length)));
                return true;
            case JsonValueKind.Array when prompt.GetArrayLength() > 0:
                if (OpenAiRequest.TryReadTokenArray(prompt, out var tokenText, out var tokenCount))
                {
                    prompts.Add((tokenText, tokenCount));
                    return true;
                }

                foreach (var item in prompt.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        var text = item.GetString()!;
                        prompts.Add((text, MockText.CountTokens(text.Length)));
                    }
                    else if (OpenAiRequest.TryReadTokenArray(item, out tokenText, out tokenCount))
                    {
                        prompts.Add((tokenText, tokenCount));
                    }
                    else
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    private static string FinishReason(Answer answer) => answer.Truncated ? "length" : "stop";

    private static void WriteCompletion(Utf8JsonWriter writer, ChatResponse response)
    {
        writer.WriteStartObject();
        writer.WriteString("id", response.Id);
        writer.WriteString("object", "text_completion");
        writer.WriteNumber("created", response.Created);
        writer.WriteString("model", response.Model);
        writer.WriteStartArray("choices");
        for (var i = 0; i < response.Answers.Length; i++)
        {
            WriteChoice(writer, i, response.Answers[i].Text, FinishReason(response.Answers[i]));
        }

        writer.WriteEndArray();
        writer.WriteString("system_fingerprint", Fingerprint);
        WriteUsage(writer, response);
        writer.WriteEndObject();
    }

    private static async Task StreamAsync(MockExchange exchange, ChatResponse response)
    {
        using var stream = exchange.OpenStream();
        var steps = response.Answers.Max(a => a.Tokens.Length) + 1;
        for (var step = 0; step < steps; step++)
        {
            for (var index = 0; index < response.Answers.Length; index++)
            {
                var answer = response.Answers[index];
                if (step > answer.Tokens.Length)
                {
                    continue;
                }

                // After the last token comes the chunk with empty text and the finish reason.
                var (text, finish) = step < answer.Tokens.Length ? (answer.Tokens[step], null) : ("", FinishReason(answer));
                if (!await stream.WriteAsync(null, (response, index, text, finish), static (writer, s) => WriteChunk(writer, s.response, s.index, s.text, s.finish)))
                {
                    return;
                }
            }
        }

        if (response.IncludeUsage
            && !await stream.WriteAsync(null, response, static (writer, r) => WriteChunk(writer, r, -1, "", null)))
        {
            return;
        }

        await stream.WriteDoneAsync();
    }

    /// <summary>One streamed <c>text_completion</c>; <paramref name="index"/> -1 is the usage chunk (empty choices).</summary>
    private static void WriteChunk(Utf8JsonWriter writer, ChatResponse response, int index, string text, string? finishReason)
    {
        writer.WriteStartObject();
        writer.WriteString("id", response.Id);
        writer.WriteString("object", "text_completion");
        writer.WriteNumber("created", response.Created);
        writer.WriteStartArray("choices");
        if (index >= 0)
        {
            WriteChoice(writer, index, text, finishReason);
        }

        writer.WriteEndArray();
        writer.WriteString("model", response.Model);
        writer.WriteString("system_fingerprint", Fingerprint);
        if (response.IncludeUsage)
        {
            if (index >= 0)
            {
                writer.WriteNull("usage");
            }
            else
            {
                WriteUsage(writer, response);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteChoice(Utf8JsonWriter writer, int index, string text, string? finishReason)
    {
        writer.WriteStartObject();
        writer.WriteString("text", text);
        writer.WriteNumber("index", index);
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", finishReason);
        writer.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter writer, ChatResponse response)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", response.PromptTokens);
        writer.WriteNumber("completion_tokens", response.CompletionTokens);
        writer.WriteNumber("total_tokens", response.PromptTokens + response.CompletionTokens);
        writer.WriteEndObject();
    }
}
