namespace Warden.Gateway.Counters;

/// <summary>A month-to-date amount to seed a budget counter with.</summary>
/// <param name="Key">The counter key.</param>
/// <param name="Amount">Spend in nano-USD.</param>
/// <param name="ExpiresAt">When the counter may be dropped (after its month).</param>
public readonly record struct CounterSeed(string Key, long Amount, DateTimeOffset ExpiresAt);
