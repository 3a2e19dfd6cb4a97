namespace Warden.Gateway.Usage;

/// <summary>What became of a batch handed to an <see cref="IUsageTransport"/>.</summary>
public enum UsageDelivery
{
    /// <summary>The control plane committed it; the gateway may drop its copy.</summary>
    Delivered,

    /// <summary>Not delivered now (unreachable, database down, starting, token refused): keep it and retry.</summary>
    Unavailable,

    /// <summary>Refused as malformed: re-sending it unchanged cannot succeed.</summary>
    Rejected,
}
