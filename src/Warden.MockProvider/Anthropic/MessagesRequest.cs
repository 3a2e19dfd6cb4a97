using System.Text;
using System.Text.Json;
using Warden.MockProvider.Text;

namespace Warden.MockProvider.Anthropic;

/// <summary>The parts of an Anthropic Messages request the mock answers from.</summary>
internal sealed record MessagesRequest(string PromptText, string LastUserText, bool HasCacheControl)
{
    public int PromptTokens => MockText.CountTokens(PromptText.Length);

    /// <summary>
    /// Collects the text of <c>system</c> and every message (string content, <c>text</c> blocks, <c>tool_result</c>
    /// content and <c>tool_use</c> input), and notes whether any block asks for prompt caching.
    /// </summary>
    public static MessagesRequest Read(JsonElement body, JsonElement messages)
    {
        var text = new StringBuilder();
        var hasCacheControl = false;
        if (body.TryGetProperty("system", out var system))
        {
            AppendContent(text, system, ref hasCacheControl);
        }

        var lastUser = "";
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content))
            {
                continue;
            }

            var start = text.Length;
            AppendContent(text, content, ref hasCacheControl);
            if (message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String && role.GetString() == "user")
            {
                lastUser = text.ToString(start, text.Length - start);
            }
        }

        return new MessagesRequest(text.ToString(), lastUser, hasCacheControl);
    }

    private static void AppendContent(StringBuilder text, JsonElement content, ref bool hasCacheControl)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            text.Append(content.GetString()).Append('\n');
            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var block in content.EnumerateArray())
        {
            if (block.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            hasCacheControl |= block.TryGetProperty("cache_control", out var cacheControl) && cacheControl.ValueKind == JsonValueKind.Object;
            if (block.TryGetProperty("text", out var blockText) && blockText.ValueKind == JsonValueKind.String)
            {
                text.Append(blockText.GetString()).Append('\n');
            }
            else if (block.TryGetProperty("input", out var input))
            {
                text.Append(input.GetRawText()).Append('\n');
            }
            else if (block.TryGetProperty("content", out var nested))
            {
                AppendContent(text, nested, ref hasCacheControl);
            }
        }
    }
}
