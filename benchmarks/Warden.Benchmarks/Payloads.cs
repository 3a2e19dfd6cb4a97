using System.Text;

namespace Warden.Benchmarks;

/// <summary>Representative request bodies and stream events, built once per benchmark class.</summary>
internal static class Payloads
{
    private const string Sentence = "The quarterly report shows revenue growth in every region, with the strongest gains in enterprise accounts. ";

    /// <summary>A typical chat request: system prompt, a short conversation, sampling options; about 1 KB.</summary>
    public static byte[] ChatBody(int targetBytes)
    {
        var builder = new StringBuilder(targetBytes + 512);
        builder.Append("{\"model\":\"gpt-4o-mini\",\"messages\":[");
        builder.Append("{\"role\":\"system\",\"content\":\"You are a concise assistant for the finance team. Answer in plain English.\"}");
        var turn = 0;
        while (builder.Length < targetBytes - 200)
        {
            var role = turn % 2 == 0 ? "user" : "assistant";
            builder.Append(",{\"role\":\"").Append(role).Append("\",\"content\":\"");
            var length = Math.Min(targetBytes - 200 - builder.Length, 2000);
            for (var i = 0; i < Math.Max(length, 40); i++)
            {
                builder.Append(Sentence[i % Sentence.Length]);
            }

            builder.Append("\"}");
            turn++;
        }

        builder.Append("],\"temperature\":0.2,\"max_tokens\":256,\"stream\":true,\"user\":\"alice@example.com\"}");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>One OpenAI content chunk as the upstream sends it once the gateway forced <c>include_usage</c>.</summary>
    public static readonly byte[] OpenAiContentChunk = Encoding.UTF8.GetBytes(
        "data: {\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\",\"created\":1727000000,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_0ba0d124f1\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"content\":\" revenue\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");

    /// <summary>The dedicated final usage chunk (<c>choices: []</c>).</summary>
    public static readonly byte[] OpenAiUsageChunk = Encoding.UTF8.GetBytes(
        "data: {\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\",\"created\":1727000000,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_0ba0d124f1\",\"choices\":[],\"usage\":{\"prompt_tokens\":212,"
        + "\"completion_tokens\":64,\"total_tokens\":276,\"prompt_tokens_details\":{\"cached_tokens\":128,\"audio_tokens\":0},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
        + "\"rejected_prediction_tokens\":0}}}\n\n");

    /// <summary>Anthropic's <c>message_start</c>, fed once per stream.</summary>
    public static readonly byte[] AnthropicMessageStart = Encoding.UTF8.GetBytes(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\","
        + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,"
        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":212,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
        + "\"output_tokens\":1}}}\n\n");

    /// <summary>Anthropic's <c>content_block_start</c> for a text block.</summary>
    public static readonly byte[] AnthropicBlockStart = Encoding.UTF8.GetBytes(
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");

    /// <summary>One Anthropic text delta.</summary>
    public static readonly byte[] AnthropicTextDelta = Encoding.UTF8.GetBytes(
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" revenue\"}}\n\n");
}
