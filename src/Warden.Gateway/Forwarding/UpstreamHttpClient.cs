using System.Net;

namespace Warden.Gateway.Forwarding;

/// <summary>
/// The one pooled HTTP stack for all upstream calls: keep-alive connections reused across requests, HTTP/2 where the
/// upstream offers it (ALPN), no automatic decompression or redirects (bytes are relayed as received), and connections
/// recycled every few minutes so DNS changes of providers are picked up, and no trace context sent to providers.
/// </summary>
public sealed class UpstreamHttpClient : IDisposable
{
    public UpstreamHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            EnableMultipleHttp2Connections = true,
            MaxConnectionsPerServer = int.MaxValue,

            // No trace context goes to third-party providers (no traceparent/tracestate headers), and without a
            // propagator the handler chain has no diagnostics handler: no Activity, header copies or URI strings per
            // upstream call. Gateway traces will describe the upstream call from the forwarder itself.
            ActivityHeadersPropagator = null,
        };
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>The invoker; it does not buffer response bodies (unlike HttpClient's defaults).</summary>
    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}
