using System.Collections.Immutable;
using Warden.Core.Budgets;

namespace Warden.Gateway.Counters;

/// <summary>
/// Counters in this process, for a single gateway (<c>warden serve</c> by default). The same semantics as the Redis
/// store: all-or-nothing reservations across scopes, expiring holds, idempotent settle, seed-once budgets. One lock
/// guards it; each operation touches a handful of counters, so it is held for microseconds.
/// </summary>
public sealed class MemoryCounterStore : ICounterStore
{
    private static readonly TimeSpan s_sweepEvery = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep;
    private string? _livePrefix;

    /// <inheritdoc />
    public ValueTask<ReserveResult> ReserveAsync(string reservationId, ImmutableArray<CounterCharge> charges, DateTimeOffset now, TimeSpan holdFor, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            SweepIfDue(now);
            List<int>? unseeded = null;
            var used = new long[charges.Length];
            for (var i = 0; i < charges.Length; i++)
            {
                var charge = charges[i];
                _counters.TryGetValue(charge.Key, out var counter);
                counter?.Purge(now);
                if (charge.IsBudget && counter is not { Seeded: true })
                {
                    (unseeded ??= []).Add(i);
                    continue;
                }

                used[i] = counter is null ? 0 : counter.Settled + counter.Reserved;
            }

            if (unseeded is not null)
            {
                return ValueTask.FromResult(new ReserveResult(ReserveStatus.NeedsSeed, Unseeded: [.. unseeded]));
            }

            for (var i = 0; i < charges.Length; i++)
            {
                if (!charges[i].Fits(used[i]))
                {
                    return ValueTask.FromResult(new ReserveResult(ReserveStatus.Refused, i, used[i]));
                }
            }

            var holdUntil = now + holdFor;
            foreach (var charge in charges)
            {
                var counter = GetOrAdd(charge.Key, charge.PeriodEnd);
                counter.Hold(reservationId, charge.Amount, holdUntil);
            }

            return ValueTask.FromResult(ReserveResult.Reserved);
        }
    }

    /// <inheritdoc />
    public ValueTask SettleAsync(string reservationId, ImmutableArray<CounterCharge> charges, long[] actuals, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actuals);
        lock (_lock)
        {
            for (var i = 0; i < charges.Length; i++)
            {
                // Counted once: an open hold, or one that expired before its settle; otherwise settled already.
                if (_counters.GetValueOrDefault(charges[i].Key) is { } counter && counter.Release(reservationId) && actuals[i] > 0)
                {
                    counter.Settled += actuals[i];
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SeedAsync(IReadOnlyList<CounterSeed> seeds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        lock (_lock)
        {
            foreach (var seed in seeds)
            {
                var counter = GetOrAdd(seed.Key, seed.ExpiresAt);
                if (!counter.Seeded)
                {
                    counter.Seeded = true;
                    counter.Settled += seed.Amount;
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Starts a counter epoch: drops every counter whose key does not start with <paramref name="keyPrefix"/> (the
    /// configured prefix plus the new epoch), and keeps dropping such counters at each sweep — a request admitted under
    /// the old epoch may still create one. Settles of old reservations then find nothing and change nothing.
    /// </summary>
    public void RetainOnly(string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        lock (_lock)
        {
            _livePrefix = keyPrefix;
            DropOtherEpochs();
        }
    }

    /// <summary>Number of counters held (tests, diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _counters.Count;
            }
        }
    }

    /// <summary>Settled and reserved amounts of a counter as stored (tests, diagnostics); zeros when absent.</summary>
    public (long Settled, long Reserved) ReadRaw(string key)
    {
        lock (_lock)
        {
            return _counters.TryGetValue(key, out var counter) ? (counter.Settled, counter.Reserved) : (0, 0);
        }
    }

    private Counter GetOrAdd(string key, DateTimeOffset? periodEnd)
    {
        if (!_counters.TryGetValue(key, out var counter))
        {
            // A period's counter outlives its period a little, for settles of requests that straddle the boundary.
            counter = new Counter(periodEnd?.AddMinutes(10));
            _counters.Add(key, counter);
        }

        return counter;
    }

    // Drops counters of past periods and stale settle markers, at most once a minute: memory stays bounded by the
    // number of live scopes, not by uptime.
    private void SweepIfDue(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + s_sweepEvery;
        DropOtherEpochs();
        foreach (var (key, counter) in _counters)
        {
            counter.Purge(now);
            if ((counter.ExpiresAt is { } expires && expires < now) || (counter.ExpiresAt is null && counter.IsIdle))
            {
                _counters.Remove(key);
            }
        }
    }

    private void DropOtherEpochs()
    {
        if (_livePrefix is not { } live)
        {
            return;
        }

        foreach (var key in _counters.Keys)
        {
            if (!key.StartsWith(live, StringComparison.Ordinal))
            {
                _counters.Remove(key);
            }
        }
    }

    private sealed class Counter
    {
        private readonly Dictionary<string, (long Amount, DateTimeOffset Until)> _holds = new(StringComparer.Ordinal);
        // Holds that expired unsettled (their request outlived the TTL, or its gateway died): a late settle still
        // counts the actual amount, once. Rare, and dropped with the counter.
        private readonly HashSet<string> _expired = new(StringComparer.Ordinal);
        private DateTimeOffset _earliestHold = DateTimeOffset.MaxValue;

        public Counter(DateTimeOffset? expiresAt)
        {
            ExpiresAt = expiresAt;
        }

        public DateTimeOffset? ExpiresAt { get; }

        public long Settled { get; set; }

        public long Reserved { get; private set; }

        public bool Seeded { get; set; }

        public bool IsIdle => _holds.Count == 0 && _expired.Count == 0 && Settled == 0 && !Seeded;

        public void Hold(string id, long amount, DateTimeOffset until)
        {
            _holds[id] = (amount, until);
            Reserved += amount;
            if (until < _earliestHold)
            {
                _earliestHold = until;
            }
        }

        /// <summary>Releases the hold of <paramref name="id"/>; false when it was settled already.</summary>
        public bool Release(string id)
        {
            if (_holds.Remove(id, out var hold))
            {
                Reserved -= hold.Amount;
                return true;
            }

            return _expired.Remove(id);
        }

        // Expired holds (their gateway request never settled) give their capacity back.
        public void Purge(DateTimeOffset now)
        {
            if (now < _earliestHold)
            {
                return;
            }

            var earliest = DateTimeOffset.MaxValue;
            foreach (var (id, hold) in _holds)
            {
                if (hold.Until <= now)
                {
                    _holds.Remove(id);
                    _expired.Add(id);
                    Reserved -= hold.Amount;
                }
                else if (hold.Until < earliest)
                {
                    earliest = hold.Until;
                }
            }

            _earliestHold = earliest;
        }
    }
}
