using Warden.Core.Snapshots;
using Warden.Providers.Abstractions;

namespace Warden.Gateway.Pipeline;

/// <inheritdoc />
internal sealed class GatewayRequestFeature : IGatewayRequestFeature
{
    public GatewayRequestFeature(ConfigSnapshot snapshot, GatewayOperation operation, string requestId, long startTimestamp)
    {
        Snapshot = snapshot;
        Operation = operation;
        RequestId = requestId;
        StartTimestamp = startTimestamp;
    }

    public ConfigSnapshot Snapshot { get; }

    public GatewayOperation Operation { get; }

    public KeyEntry? Key { get; set; }

    public ReadOnlyMemory<byte> Body { get; set; }

    public RequestFacts? Facts { get; set; }

    public RouteEntry? Route { get; set; }

    public int MaskedPii { get; set; }

    public string RequestId { get; }

    public long StartTimestamp { get; }
}
