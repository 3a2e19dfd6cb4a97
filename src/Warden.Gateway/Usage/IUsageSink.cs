using Warden.Core.Usage;

namespace Warden.Gateway.Usage;

/// <summary>
/// Where the gateway hands usage events. Must not block the request path: implementations queue and ship in the
/// background (the durable shipper spools to disk when the control plane is unreachable).
/// </summary>
public interface IUsageSink
{
    /// <summary>Accepts one event.</summary>
    void Publish(UsageEvent usageEvent);
}
