namespace Warden.MockProvider.Controls;

/// <summary>How one request is answered: the server's options, overridden by model-name directives and headers.</summary>
internal sealed record RequestControls(
    TimeSpan Latency,
    TimeSpan ChunkInterval,
    int OutputTokens,
    int? Status,
    bool Hang,
    int? DisconnectAfter,
    int? CachedTokens,
    bool Echo = false)
{
    public static RequestControls From(MockProviderOptions options) => new(
        options.Latency,
        options.ChunkInterval,
        options.OutputTokens,
        options.FailStatus,
        options.Hang,
        options.DisconnectAfterChunks,
        CachedTokens: null);
}
