using System.Text.Json;
using Warden.Core.Usage;

namespace Warden.Providers.Anthropic;

/// <summary>
/// Anthropic's <c>usage</c> object. Unlike OpenAI, <c>input_tokens</c> excludes the prompt tokens read from or
/// written to the prompt cache, so the OpenAI-style prompt total is the sum of all three.
/// </summary>
internal struct AnthropicUsage
{
    public long? InputTokens;
    public long? OutputTokens;
    public long? CacheReadInputTokens;
    public long? CacheCreationInputTokens;

    /// <summary>The prompt total in OpenAI's sense: uncached input plus cache reads plus cache writes.</summary>
    public readonly long PromptTokens => (InputTokens ?? 0) + (CacheReadInputTokens ?? 0) + (CacheCreationInputTokens ?? 0);

    /// <summary>Reads a <c>usage</c> object; the reader is on the value's first token and is left on its last.</summary>
    public static AnthropicUsage Read(scoped ref Utf8JsonReader reader)
    {
        var usage = default(AnthropicUsage);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return usage;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input_tokens"u8))
            {
                usage.InputTokens = AnthropicJson.ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                usage.OutputTokens = AnthropicJson.ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
            {
                usage.CacheReadInputTokens = AnthropicJson.ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
            {
                usage.CacheCreationInputTokens = AnthropicJson.ReadCount(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return usage;
    }

    /// <summary>
    /// Folds in a later report of the same stream (<c>message_delta</c>). Every field is cumulative, so the larger
    /// value wins: a compatible upstream that repeats a field as 0 cannot erase the real count.
    /// </summary>
    public void Update(in AnthropicUsage later)
    {
        InputTokens = Max(InputTokens, later.InputTokens);
        OutputTokens = Max(OutputTokens, later.OutputTokens);
        CacheReadInputTokens = Max(CacheReadInputTokens, later.CacheReadInputTokens);
        CacheCreationInputTokens = Max(CacheCreationInputTokens, later.CacheCreationInputTokens);
    }

    /// <summary>The gateway's usage record: input includes cached tokens; cache writes are priced separately.</summary>
    public readonly TokenUsage ToTokenUsage() =>
        new(PromptTokens, OutputTokens ?? 0, CacheReadInputTokens ?? 0, CacheCreationInputTokens ?? 0);

    /// <summary>Writes the OpenAI <c>usage</c> object (as the value of an already written property name).</summary>
    public readonly void WriteOpenAi(Utf8JsonWriter writer)
    {
        var prompt = PromptTokens;
        var completion = OutputTokens ?? 0;
        writer.WriteStartObject();
        writer.WriteNumber("prompt_tokens"u8, prompt);
        writer.WriteNumber("completion_tokens"u8, completion);
        writer.WriteNumber("total_tokens"u8, prompt + completion);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, CacheReadInputTokens ?? 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static long? Max(long? current, long? later) =>
        later is { } value ? (current is { } existing ? Math.Max(existing, value) : value) : current;
}
