namespace Warden.Gateway.Counters;

/// <summary>What to do with a request when its counters cannot be checked (counter store or ledger unreachable).</summary>
public enum FailMode
{
    /// <summary>Refuse it: 503 <c>counters_unavailable</c>.</summary>
    Closed,

    /// <summary>Let it through unchecked (counted in a metric and logged).</summary>
    Open,
}
