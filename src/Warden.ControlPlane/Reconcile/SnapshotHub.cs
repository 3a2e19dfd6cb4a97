using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Warden.Core.Snapshots;
using Warden.Core.Snapshots.Wire;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// The desired state served to gateways. Publishing serializes the snapshot once and wakes every waiting long-poll
/// when its content changed. Gateways ask for "anything other than content id X", so a restored database whose
/// revisions went backwards still reaches them.
/// </summary>
public sealed class SnapshotHub : ISnapshotPublisher
{
    private readonly ConcurrentDictionary<string, GatewayReport> _gateways = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private PublishedSnapshot? _current;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The snapshot being served, or null before the first build.</summary>
    public PublishedSnapshot? Current => Volatile.Read(ref _current);

    /// <summary>What each gateway last reported.</summary>
    public IReadOnlyCollection<GatewayReport> Gateways => [.. _gateways.Values];

    /// <inheritdoc />
    public void Publish(ConfigSnapshot snapshot)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(SnapshotWireMapper.ToWire(snapshot), SnapshotWireJsonContext.Default.SnapshotWire);
        var contentId = Convert.ToHexStringLower(SHA256.HashData(payload), 0, 16);
        TaskCompletionSource wake;
        lock (_gate)
        {
            if (_current?.ContentId == contentId)
            {
                return;
            }

            Volatile.Write(ref _current, new PublishedSnapshot(payload, contentId, snapshot.Revision));
            wake = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    /// <summary>
    /// Returns the current snapshot if its content id differs from <paramref name="knownContentId"/>; otherwise waits up
    /// to <paramref name="wait"/> for a change and returns null if none came.
    /// </summary>
    public async Task<PublishedSnapshot?> WaitForChangeAsync(string? knownContentId, TimeSpan wait, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            if (_current is { } current && current.ContentId != knownContentId)
            {
                return current;
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

        var latest = Current;
        return latest is not null && latest.ContentId != knownContentId ? latest : null;
    }

    /// <summary>Records a gateway's poll (its applied snapshot) for the desired-vs-applied view.</summary>
    public void Report(GatewayReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _gateways[report.GatewayId] = report;
    }
}
