namespace Warden.Gateway.Counters;

/// <summary>Where budget and limit counters live (<c>Gateway:Counters:Store</c>).</summary>
public enum CounterStoreKind
{
    /// <summary>In this process: right for exactly one gateway.</summary>
    Memory,

    /// <summary>Redis, shared by every gateway replica.</summary>
    Redis,
}
