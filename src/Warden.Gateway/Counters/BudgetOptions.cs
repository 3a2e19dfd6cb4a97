namespace Warden.Gateway.Counters;

/// <summary>Budget enforcement (configuration section <c>Gateway:Budgets</c>).</summary>
public sealed class BudgetOptions
{
    /// <summary>When budgets cannot be checked: <c>closed</c> (default: refuse rather than overspend) or <c>open</c>.</summary>
    public FailMode FailMode { get; set; } = FailMode.Closed;

    /// <summary>Output tokens reserved for a request that sets no <c>max_tokens</c>.</summary>
    public int DefaultOutputTokens { get; set; } = 4096;
}
