namespace Warden.Gateway.Counters;

/// <summary>The shared counter store (configuration section <c>Gateway:Counters</c>).</summary>
public sealed class CounterOptions
{
    /// <summary><c>memory</c> (one gateway) or <c>redis</c> (any number of replicas).</summary>
    public CounterStoreKind Store { get; set; } = CounterStoreKind.Memory;

    /// <summary>StackExchange.Redis connection string, e.g. <c>redis:6379,password=…,defaultDatabase=0</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every counter key, so several installations can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "warden:";

    /// <summary>
    /// How long a reservation holds capacity when it is never settled (the gateway died mid-request). Longer than the
    /// longest request, so a live stream never loses its reservation.
    /// </summary>
    public int ReservationTtlSeconds { get; set; } = 900;
}
