using System.Text.Json;
using Warden.MockProvider.Controls;
using Warden.MockProvider.Text;

namespace Warden.MockProvider.Anthropic;

/// <summary>
/// Anthropic's input accounting: <c>input_tokens</c> excludes cache reads and writes. Caching happens only when
/// the request marks a block with <c>cache_control</c> and the prompt reaches the cache threshold: then the
/// deterministic cached share is read from the cache and half of the rest is written to it. A
/// <c>x-mock-cached-tokens</c> / <c>@cached=</c> override sets the cache read directly.
/// </summary>
internal readonly record struct MessagesUsage(int InputTokens, int CacheCreationInputTokens, int CacheReadInputTokens)
{
    public static MessagesUsage From(MessagesRequest request, RequestControls controls)
    {
        var prompt = request.PromptTokens;
        var read = controls.CachedTokens is { } cached
            ? Math.Min(cached, prompt)
            : request.HasCacheControl ? MockText.CachedTokens(prompt) : 0;
        var creation = request.HasCacheControl && prompt >= MockText.CacheThresholdTokens ? (prompt - read) / 2 : 0;
        return new MessagesUsage(prompt - read - creation, creation, read);
    }

    public void Write(Utf8JsonWriter writer, int outputTokens)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("input_tokens", InputTokens);
        writer.WriteNumber("cache_creation_input_tokens", CacheCreationInputTokens);
        writer.WriteNumber("cache_read_input_tokens", CacheReadInputTokens);
        writer.WriteNumber("output_tokens", outputTokens);
        writer.WriteString("service_tier", "standard");
        writer.WriteEndObject();
    }
}
