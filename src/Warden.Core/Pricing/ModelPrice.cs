namespace Warden.Core.Pricing;

/// <summary>USD per one million tokens, by token type.</summary>
/// <param name="InputPerMillion">Uncached prompt tokens.</param>
/// <param name="OutputPerMillion">Completion tokens.</param>
/// <param name="CacheReadPerMillion">Prompt tokens read from the provider's prompt cache.</param>
/// <param name="CacheWritePerMillion">Prompt tokens written to the provider's prompt cache.</param>
public sealed record ModelPrice(decimal InputPerMillion, decimal OutputPerMillion, decimal CacheReadPerMillion, decimal CacheWritePerMillion);
