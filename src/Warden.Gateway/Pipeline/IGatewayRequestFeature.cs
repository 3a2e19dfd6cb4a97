using Warden.Core.Snapshots;
using Warden.Providers.Abstractions;

namespace Warden.Gateway.Pipeline;

/// <summary>Typed per-request state the gates fill in, in order.</summary>
public interface IGatewayRequestFeature
{
    /// <summary>The snapshot this request is served under (read once).</summary>
    ConfigSnapshot Snapshot { get; }

    /// <summary>The operation.</summary>
    GatewayOperation Operation { get; }

    /// <summary>The authenticated key (after key auth).</summary>
    KeyEntry? Key { get; set; }

    /// <summary>The request body, read once (after parsing).</summary>
    ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>Facts peeked from the body (after parsing).</summary>
    RequestFacts? Facts { get; set; }

    /// <summary>The route of the requested logical model (after routing).</summary>
    RouteEntry? Route { get; set; }

    /// <summary>PII matches the guardrails masked in the forwarded body (0 when none).</summary>
    int MaskedPii { get; set; }

    /// <summary>The request id (also the <c>x-request-id</c> response header).</summary>
    string RequestId { get; }

    /// <summary>When the gateway received the request (for latency).</summary>
    long StartTimestamp { get; }
}
