namespace Warden.Gateway.Counters;

/// <summary>The counter store (or the ledger behind a seed) could not be reached; the fail mode decides.</summary>
public sealed class CounterStoreUnavailableException : Exception
{
    public CounterStoreUnavailableException()
    {
    }

    public CounterStoreUnavailableException(string message)
        : base(message)
    {
    }

    public CounterStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
