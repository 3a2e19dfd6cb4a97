namespace Warden.Core.Snapshots;

/// <summary>What a PII rule does when its kind is detected.</summary>
public enum PiiRuleAction
{
    /// <summary>Replace with a typed placeholder; the request continues.</summary>
    Mask,

    /// <summary>Reject the request with 403.</summary>
    Block,
}
