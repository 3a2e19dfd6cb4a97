namespace Warden.Gateway.Usage;

/// <summary>
/// Delivers one usage batch (UTF-8 JSON of a <see cref="Core.Usage.UsageBatch"/>) to the control plane's ledger.
/// Over HTTP for standalone gateways (<see cref="HttpUsageTransport"/>); in <c>warden serve</c> straight into the
/// co-located control plane's ingest service.
/// </summary>
public interface IUsageTransport
{
    /// <summary>Sends the batch; <see cref="UsageDelivery.Delivered"/> only once it is durable.</summary>
    Task<UsageDelivery> SendAsync(ReadOnlyMemory<byte> batchJson, CancellationToken cancellationToken);
}
