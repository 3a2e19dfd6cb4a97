namespace Warden.Core.Snapshots;

/// <summary>One target of a route: a provider and the model id to ask it for.</summary>
/// <param name="Provider">The provider.</param>
/// <param name="UpstreamModel">Model id sent upstream (for Azure: the deployment name).</param>
/// <param name="Weight">Relative weight for <see cref="RouteStrategyKind.Weighted"/>.</param>
/// <param name="Timeout">Time allowed until the upstream's first byte (and between streamed chunks).</param>
public sealed record RouteTargetEntry(ProviderEntry Provider, string UpstreamModel, int Weight, TimeSpan Timeout)
{
    /// <summary>Stable key for per-target state (circuit breaker).</summary>
    public string TargetKey { get; } = Provider.Id.ToString("N") + "/" + UpstreamModel;
}
