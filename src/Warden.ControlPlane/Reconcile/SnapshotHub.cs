using System.Collections.Concurrent;
using Warden.Core.Snapshots;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// The desired state served to gateways, and what each gateway reports having. Gateways say which configuration id,
/// key base id and key sequence they hold; the hub answers with only what differs (configuration part, key base, or
/// the key deltas since their sequence), or holds the poll until something changes. "Differs" is inequality, never
/// "newer than": after a database restore the revision goes backwards and gateways must follow.
/// </summary>
public sealed class SnapshotHub
{
    /// <summary>Reports not refreshed for this long are forgotten (gateways that went away).</summary>
    private static readonly TimeSpan s_forgetAfter = TimeSpan.FromHours(24);

    private readonly ConcurrentDictionary<string, GatewayReport> _gateways = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private SnapshotHead? _head;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The snapshot currently served as entry objects, or null before the first reconcile. Its configuration part is
    /// always complete; its key part carries entries only when <see cref="IncrementalSnapshotBuilder.MaterializeKeys"/>
    /// is on (<c>warden serve</c>), otherwise just the key base id and sequence.
    /// </summary>
    public ConfigSnapshot? CurrentSnapshot => Volatile.Read(ref _head)?.Snapshot;

    /// <summary>The revision currently served, or null before the first reconcile.</summary>
    public long? CurrentRevision => Volatile.Read(ref _head)?.Revision;

    /// <summary>What each gateway last reported.</summary>
    public IReadOnlyCollection<GatewayReport> Gateways => [.. _gateways.Values];

    internal SnapshotHead? Head => Volatile.Read(ref _head);

    /// <summary>
    /// Desired versus applied per gateway, ordered by gateway id. <paramref name="now"/> decides health: a gateway is
    /// healthy when it polled within twice its poll wait (it re-polls at once after each answer).
    /// </summary>
    public IReadOnlyList<GatewayStatus> DescribeGateways(DateTimeOffset now)
    {
        var head = Head;
        return [.. _gateways.Values.OrderBy(g => g.GatewayId, StringComparer.Ordinal).Select(g => new GatewayStatus(
            g.GatewayId,
            g.AppliedRevision,
            g.AppliedConfigId,
            g.AppliedKeyBaseId,
            g.AppliedKeySequence,
            head?.Revision,
            head?.ConfigId,
            head?.Keys.BaseId,
            head?.Keys.Sequence,
            head is not null && g.AppliedConfigId == head.ConfigId && g.AppliedKeyBaseId == head.Keys.BaseId && g.AppliedKeySequence == head.Keys.Sequence,
            g.LastSeen,
            now - g.LastSeen <= 2 * (g.PollWait > TimeSpan.FromSeconds(1) ? g.PollWait : TimeSpan.FromSeconds(1)) + TimeSpan.FromSeconds(5)))];
    }

    /// <summary>Records a gateway's poll for the desired-vs-applied view.</summary>
    public void Report(GatewayReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _gateways[report.GatewayId] = report;
        if (_gateways.Count > 256)
        {
            foreach (var stale in _gateways.Values.Where(g => report.LastSeen - g.LastSeen > s_forgetAfter))
            {
                _gateways.TryRemove(stale.GatewayId, out _);
            }
        }
    }

    /// <summary>Makes <paramref name="head"/> the served state; wakes waiting polls when any part changed.</summary>
    internal void Publish(SnapshotHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            var previous = _head;
            Volatile.Write(ref _head, head);
            if (previous is null || previous.ConfigId != head.ConfigId || previous.Keys.BaseId != head.Keys.BaseId
                || previous.Keys.Sequence != head.Keys.Sequence || previous.Keys.BaseSequence != head.Keys.BaseSequence)
            {
                wake = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        wake?.TrySetResult();
    }

    /// <summary>
    /// Returns what a gateway at <paramref name="position"/> lacks, waiting up to <paramref name="wait"/> for a change
    /// when it lacks nothing; null when nothing changed within the wait.
    /// </summary>
    internal async Task<SnapshotUpdate?> WaitForUpdateAsync(GatewayPosition position, TimeSpan wait, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            if (_head is { } head && Diff(head, position) is { } update)
            {
                return update;
            }

            changed = _changed.Task;
        }

        try
        {
            await changed.WaitAsync(wait, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }

        return Head is { } latest ? Diff(latest, position) : null;
    }

    /// <summary>What <paramref name="position"/> lacks relative to <paramref name="head"/>, or null when nothing.</summary>
    internal static SnapshotUpdate? Diff(SnapshotHead head, GatewayPosition position)
    {
        var includeConfig = position.ConfigId != head.ConfigId;
        var keys = head.Keys;
        var includeBase = false;
        Core.Snapshots.Wire.KeyDeltaWire? delta = null;
        if (position.KeyBaseId != keys.BaseId)
        {
            includeBase = true;
        }
        else if (position.KeySequence != keys.Sequence)
        {
            delta = keys.DeltaSince(position.KeySequence);
            includeBase = delta is null;
        }

        if (includeBase && keys.Sequence != keys.BaseSequence)
        {
            delta = keys.DeltaSince(keys.BaseSequence);
        }

        return includeConfig || includeBase || delta is not null ? new SnapshotUpdate(head, includeConfig, includeBase, delta) : null;
    }
}
