using Warden.Core.Snapshots;

namespace Warden.Gateway.Snapshots;

/// <summary>
/// Holds the configuration snapshot in force. Applying one swaps a single reference; each request reads it once and
/// keeps that instance to the end, so a request never sees half of two configurations.
/// </summary>
public sealed class SnapshotStore
{
    private ConfigSnapshot? _current;

    /// <summary>The snapshot in force, or null before the first one.</summary>
    public ConfigSnapshot? Current => Volatile.Read(ref _current);

    /// <summary>True once a snapshot has been applied (the gateway is ready).</summary>
    public bool IsReady => Current is not null;

    /// <summary>
    /// Puts <paramref name="snapshot"/> in force. Any revision is accepted, including a lower one: after a database
    /// restore the control plane's revisions go backwards and the gateway must follow it.
    /// </summary>
    public void Apply(ConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Volatile.Write(ref _current, snapshot);
        Applied?.Invoke(snapshot);
    }

    /// <summary>Raised after a snapshot was applied (for reporting the applied revision).</summary>
    public event Action<ConfigSnapshot>? Applied;
}
