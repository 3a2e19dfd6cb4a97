namespace Warden.MockProvider.Text;

/// <summary>
/// The deterministic rules of the mock: how many tokens a text counts as, which words an answer contains and how
/// many prompt tokens are reported as cached.
/// </summary>
internal static class MockText
{
    /// <summary>Prompts of at least this many tokens report part of themselves as cached (OpenAI's minimum too).</summary>
    public const int CacheThresholdTokens = 1024;

    /// <summary>Cached token counts are multiples of this (OpenAI caches in 128-token increments).</summary>
    public const int CacheIncrement = 128;

    private static readonly string[] s_vocabulary =
    [
        "the", "gateway", "answers", "with", "deterministic", "words", "so", "tests", "can", "compare", "every",
        "response", "model", "token", "stream", "chunk", "request", "budget", "limit", "route", "provider", "cache",
        "policy", "project", "tenant", "usage", "latency", "result", "value", "signal", "record", "window", "system",
        "service", "message", "context", "simple", "stable", "quick", "bright", "quiet", "green", "blue", "river",
        "mountain", "forest", "harbor", "lantern", "garden", "bridge", "engine", "beacon", "orbit", "matrix",
        "vector", "kernel", "buffer", "packet", "socket", "thread", "ledger", "audit", "replica", "shard",
    ];

    /// <summary>Tokens a text counts as: about four characters each, at least one.</summary>
    public static int CountTokens(int characters) => Math.Max(1, (characters + 3) / 4);

    /// <summary>
    /// Prompt tokens reported as cached when the request does not say otherwise: none below
    /// <see cref="CacheThresholdTokens"/>, else half the prompt rounded down to a multiple of <see cref="CacheIncrement"/>.
    /// </summary>
    public static int CachedTokens(int promptTokens) =>
        promptTokens >= CacheThresholdTokens ? promptTokens / 2 / CacheIncrement * CacheIncrement : 0;

    /// <summary>
    /// The answer's tokens: <paramref name="count"/> words picked by <paramref name="seed"/>; the first capitalised,
    /// the others with a leading space, the last followed by a full stop. Concatenated they form the answer text.
    /// </summary>
    public static string[] Tokens(ulong seed, int count)
    {
        var random = new SplitMix64(seed);
        var tokens = new string[count];
        for (var i = 0; i < count; i++)
        {
            var word = s_vocabulary[random.Next(s_vocabulary.Length)];
            var token = i == 0 ? string.Concat(char.ToUpperInvariant(word[0]).ToString(), word.AsSpan(1)) : " " + word;
            tokens[i] = i == count - 1 ? token + "." : token;
        }

        return tokens;
    }

    /// <summary>A single deterministic word (for generated tool arguments).</summary>
    public static string Word(ulong seed) => s_vocabulary[new SplitMix64(seed).Next(s_vocabulary.Length)];
}
