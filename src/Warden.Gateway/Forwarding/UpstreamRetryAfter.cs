namespace Warden.Gateway.Forwarding;

/// <summary>The delay an upstream asked for in its last 429 answer (per-request feature).</summary>
/// <param name="Delay">The upstream's <c>Retry-After</c>.</param>
internal sealed record UpstreamRetryAfter(TimeSpan Delay);
