namespace Warden.ControlPlane.Reconcile;

/// <summary>A snapshot as served to gateways: its serialized payload, content id and revision.</summary>
/// <param name="Payload">UTF-8 JSON of the wire form.</param>
/// <param name="ContentId">Hash of the payload: gateways ask for "anything other than what I have", never "newer than".</param>
/// <param name="Revision">The configuration revision (informational; goes backwards after a restore).</param>
public sealed record PublishedSnapshot(byte[] Payload, string ContentId, long Revision);
