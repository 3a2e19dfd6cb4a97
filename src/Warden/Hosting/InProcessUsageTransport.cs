using Warden.ControlPlane.Usage;
using Warden.Gateway.Usage;

namespace Warden.Hosting;

/// <summary>
/// The usage channel of <c>warden serve</c>: batches go straight into the co-located control plane's
/// <see cref="UsageIngestService"/> — the same decoding, validation and bulk write as <c>POST /internal/usage</c>,
/// without the loopback HTTP hop. The gateway side (queue, batching, spool, drain) is the cluster's code unchanged.
/// </summary>
internal sealed class InProcessUsageTransport : IUsageTransport
{
    private readonly UsageIngestService _ingest;

    public InProcessUsageTransport(UsageIngestService ingest)
    {
        _ingest = ingest;
    }

    public async Task<UsageDelivery> SendAsync(ReadOnlyMemory<byte> batchJson, CancellationToken cancellationToken)
    {
        var result = await _ingest.IngestAsync(batchJson, cancellationToken);
        return result.Status switch
        {
            UsageIngestStatus.Stored => UsageDelivery.Delivered,
            UsageIngestStatus.Invalid or UsageIngestStatus.TooLarge => UsageDelivery.Rejected,
            _ => UsageDelivery.Unavailable,
        };
    }
}
