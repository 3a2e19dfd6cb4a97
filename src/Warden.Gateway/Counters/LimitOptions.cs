namespace Warden.Gateway.Counters;

/// <summary>Rate-limit enforcement (configuration section <c>Gateway:Limits</c>).</summary>
public sealed class LimitOptions
{
    /// <summary>When limits cannot be checked: <c>open</c> (default: keep serving) or <c>closed</c>.</summary>
    public FailMode FailMode { get; set; } = FailMode.Open;
}
