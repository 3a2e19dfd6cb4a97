namespace Warden.ControlPlane.Reconcile;

/// <summary>What a gateway last reported on the snapshot channel (sent with every poll).</summary>
/// <param name="GatewayId">The gateway's instance id.</param>
/// <param name="AppliedRevision">Revision of the snapshot it has applied, if any.</param>
/// <param name="AppliedConfigId">Content id of its configuration part, if any.</param>
/// <param name="AppliedKeyBaseId">Its key base id, if any.</param>
/// <param name="AppliedKeySequence">Its key sequence, if any.</param>
/// <param name="PollWait">How long its long-polls wait; a healthy gateway polls again within about that time.</param>
/// <param name="LastSeen">When it last polled.</param>
public sealed record GatewayReport(
    string GatewayId,
    long? AppliedRevision,
    string? AppliedConfigId,
    string? AppliedKeyBaseId,
    long? AppliedKeySequence,
    TimeSpan PollWait,
    DateTimeOffset LastSeen);
