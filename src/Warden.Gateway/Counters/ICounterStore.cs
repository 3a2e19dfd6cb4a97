using System.Collections.Immutable;
using Warden.Core.Budgets;

namespace Warden.Gateway.Counters;

/// <summary>
/// Budget and limit counters shared by the gateways that use the same store. Each counter holds a settled amount and
/// the reservations in flight (each with an expiry, so a gateway that dies never leaks capacity). Failures to reach the
/// store throw <see cref="CounterStoreUnavailableException"/>.
/// </summary>
public interface ICounterStore
{
    /// <summary>
    /// Atomically, across all <paramref name="charges"/>: checks that each fits (settled + reserved + amount within its
    /// limit) and reserves every amount under <paramref name="reservationId"/> — all or nothing. A budget counter that
    /// was never seeded from the ledger stops the check (<see cref="ReserveStatus.NeedsSeed"/>).
    /// </summary>
    ValueTask<ReserveResult> ReserveAsync(string reservationId, ImmutableArray<CounterCharge> charges, DateTimeOffset now, TimeSpan holdFor, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the reservation with what was actually used (<paramref name="actuals"/>, one per charge) and releases
    /// the rest. Idempotent per reservation id: a repeated settle (or one for an unknown id) changes nothing. A
    /// reservation that already expired still has its actual amounts counted, once.
    /// </summary>
    ValueTask SettleAsync(string reservationId, ImmutableArray<CounterCharge> charges, long[] actuals, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Seeds budget counters with month-to-date spend, each only if it was not seeded yet (concurrent gateways agree on
    /// the first seed; amounts settled on the counter meanwhile are kept on top).
    /// </summary>
    ValueTask SeedAsync(IReadOnlyList<CounterSeed> seeds, CancellationToken cancellationToken);
}
