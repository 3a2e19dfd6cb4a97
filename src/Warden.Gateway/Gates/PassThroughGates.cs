using Microsoft.AspNetCore.Http;
using Warden.Gateway.Pipeline;

namespace Warden.Gateway.Gates;

/// <summary>
/// The cache stage while no response cache is built: every request misses. A real stage of the chain; the cache
/// implementation replaces this registration.
/// </summary>
public sealed class PassThroughGates : IResponseCache
{
    /// <inheritdoc />
    public ValueTask<bool> TryServeAsync(HttpContext context, IGatewayRequestFeature request) => ValueTask.FromResult(false);
}
