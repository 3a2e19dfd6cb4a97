namespace Warden.ControlPlane.Reconcile;

/// <summary>What a gateway says it has when it polls: configuration id, key base id and key sequence (any may be absent).</summary>
/// <param name="ConfigId">Content id of its configuration part.</param>
/// <param name="KeyBaseId">Its key base id.</param>
/// <param name="KeySequence">Its key sequence.</param>
public sealed record GatewayPosition(string? ConfigId, string? KeyBaseId, long KeySequence);
