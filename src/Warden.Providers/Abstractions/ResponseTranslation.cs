using Warden.Core.Usage;

namespace Warden.Providers.Abstractions;

/// <summary>Outcome of translating a complete (non-streaming) upstream success body.</summary>
/// <param name="Usage">Usage the provider reported, or null.</param>
public readonly record struct ResponseTranslation(TokenUsage? Usage);
