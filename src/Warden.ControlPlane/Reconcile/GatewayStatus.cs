namespace Warden.ControlPlane.Reconcile;

/// <summary>Desired versus applied state of one gateway (for <c>/api/gateways</c> and the console's drift view).</summary>
/// <param name="GatewayId">The gateway's instance id.</param>
/// <param name="AppliedRevision">Revision it reports as applied (null before its first snapshot).</param>
/// <param name="AppliedConfigId">Configuration part it has.</param>
/// <param name="AppliedKeyBaseId">Key base it has.</param>
/// <param name="AppliedKeySequence">Key sequence it has.</param>
/// <param name="DesiredRevision">Revision this control plane serves (null before its first reconcile).</param>
/// <param name="DesiredConfigId">Configuration part this control plane serves.</param>
/// <param name="DesiredKeyBaseId">Key base this control plane serves.</param>
/// <param name="DesiredKeySequence">Key sequence this control plane serves.</param>
/// <param name="InSync">True when the gateway has exactly the served content (ids compared, never "newer than").</param>
/// <param name="LastSeen">When it last polled.</param>
/// <param name="Healthy">True when it polled within twice its poll wait.</param>
public sealed record GatewayStatus(
    string GatewayId,
    long? AppliedRevision,
    string? AppliedConfigId,
    string? AppliedKeyBaseId,
    long? AppliedKeySequence,
    long? DesiredRevision,
    string? DesiredConfigId,
    string? DesiredKeyBaseId,
    long? DesiredKeySequence,
    bool InSync,
    DateTimeOffset LastSeen,
    bool Healthy);
