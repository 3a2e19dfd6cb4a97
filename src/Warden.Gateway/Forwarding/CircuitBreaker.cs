using System.Collections.Concurrent;

namespace Warden.Gateway.Forwarding;

/// <summary>
/// Cools a failing route target down: after <see cref="FailureThreshold"/> consecutive failures it is skipped for
/// <see cref="CoolDown"/>; then one request probes it (half-open) and a success closes it again. State is per
/// replica and per target (provider + upstream model), so a sick deployment does not slow every request with a
/// timeout while the fallback target is healthy.
/// </summary>
public sealed class CircuitBreaker
{
    /// <summary>Consecutive failures that open the circuit.</summary>
    public const int FailureThreshold = 5;

    /// <summary>How long an open circuit stays open before a probe.</summary>
    public static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, State> _states = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public CircuitBreaker(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Whether a request may be sent to the target now.</summary>
    public bool AllowRequest(string targetKey)
    {
        if (!_states.TryGetValue(targetKey, out var state))
        {
            return true;
        }

        lock (state)
        {
            if (state.OpenUntil is not { } openUntil)
            {
                return true;
            }

            var now = _time.GetUtcNow();
            if (now < openUntil)
            {
                return false;
            }

            // Half-open: let exactly one probe through per cool-down period.
            state.OpenUntil = now + CoolDown;
            return true;
        }
    }

    /// <summary>Records a successful call: the circuit closes.</summary>
    public void RecordSuccess(string targetKey)
    {
        if (_states.TryGetValue(targetKey, out var state))
        {
            lock (state)
            {
                state.ConsecutiveFailures = 0;
                state.OpenUntil = null;
            }
        }
    }

    /// <summary>Records a failed call (connect error, timeout, 429, 5xx).</summary>
    public void RecordFailure(string targetKey)
    {
        var state = _states.GetOrAdd(targetKey, static _ => new State());
        lock (state)
        {
            state.ConsecutiveFailures++;
            if (state.ConsecutiveFailures >= FailureThreshold)
            {
                state.OpenUntil = _time.GetUtcNow() + CoolDown;
            }
        }
    }

    /// <summary>True while the target's circuit is open (for metrics and tests).</summary>
    public bool IsOpen(string targetKey)
    {
        if (!_states.TryGetValue(targetKey, out var state))
        {
            return false;
        }

        lock (state)
        {
            return state.OpenUntil is { } until && _time.GetUtcNow() < until;
        }
    }

    private sealed class State
    {
        public int ConsecutiveFailures { get; set; }

        public DateTimeOffset? OpenUntil { get; set; }
    }
}
