namespace Warden.ControlPlane.Reconcile;

/// <summary>The result of one reconcile.</summary>
/// <param name="Kind">What kind of work was done.</param>
/// <param name="Reason">Why (for logs), e.g. <c>start</c>, <c>periodic full check</c>, <c>revision history changed</c>.</param>
/// <param name="ConfigChanged">The configuration part's content id changed.</param>
/// <param name="NewKeyBase">A new key base was started (gateways download the keys again).</param>
/// <param name="KeyDeltaEntries">Entries in the key delta appended (0: none).</param>
/// <param name="Revision">The revision now served.</param>
/// <param name="Elapsed">How long the reconcile took.</param>
public sealed record ReconcileOutcome(ReconcileKind Kind, string Reason, bool ConfigChanged, bool NewKeyBase, int KeyDeltaEntries, long Revision, TimeSpan Elapsed)
{
    /// <summary>True when gateways have something new to fetch.</summary>
    public bool Changed => ConfigChanged || NewKeyBase || KeyDeltaEntries > 0;
}
