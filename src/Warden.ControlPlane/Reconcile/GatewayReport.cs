namespace Warden.ControlPlane.Reconcile;

/// <summary>What a gateway last reported on the snapshot channel.</summary>
/// <param name="GatewayId">The gateway's instance id.</param>
/// <param name="AppliedContentId">Content id of the snapshot it has applied, if any.</param>
/// <param name="AppliedRevision">Revision of that snapshot, if any.</param>
/// <param name="LastSeen">When it last polled.</param>
public sealed record GatewayReport(string GatewayId, string? AppliedContentId, long? AppliedRevision, DateTimeOffset LastSeen);
