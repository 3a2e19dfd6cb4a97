namespace Warden.Gateway.Counters;

/// <summary>The outcome of <see cref="ICounterStore.ReserveAsync"/>.</summary>
public enum ReserveStatus
{
    /// <summary>Every charge fitted and is reserved.</summary>
    Reserved,

    /// <summary>A charge did not fit; nothing was reserved.</summary>
    Refused,

    /// <summary>Budget counters must be seeded from the ledger first; nothing was reserved.</summary>
    NeedsSeed,
}
