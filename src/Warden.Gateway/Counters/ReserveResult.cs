namespace Warden.Gateway.Counters;

/// <summary>What <see cref="ICounterStore.ReserveAsync"/> decided.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="RefusedIndex">Index of the first charge that did not fit (when refused).</param>
/// <param name="Used">Settled plus reserved amount of that counter (when refused).</param>
/// <param name="Unseeded">Indexes of the budget charges to seed (when <see cref="ReserveStatus.NeedsSeed"/>).</param>
public readonly record struct ReserveResult(ReserveStatus Status, int RefusedIndex = -1, long Used = 0, int[]? Unseeded = null)
{
    /// <summary>Reserved.</summary>
    public static ReserveResult Reserved => new(ReserveStatus.Reserved);
}
