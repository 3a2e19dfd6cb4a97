using Warden.MockProvider.Controls;

namespace Warden.MockProvider.Http;

/// <summary>An immutable copy of the server's options, taken when the server is built.</summary>
internal sealed record MockSettings(RequestControls Defaults, int EmbeddingDimensions)
{
    public static MockSettings From(MockProviderOptions options) => new(RequestControls.From(options), options.EmbeddingDimensions);
}
