namespace Warden.ControlPlane.Reconcile;

/// <summary>What a reconcile did.</summary>
public enum ReconcileKind
{
    /// <summary>Nothing new.</summary>
    None,

    /// <summary>Only keys or consumers changed: a key delta was appended.</summary>
    KeyDelta,

    /// <summary>The configuration part was rebuilt (perhaps with a key delta too); keys were not reloaded.</summary>
    Incremental,

    /// <summary>Everything was re-read from the database and compared by content.</summary>
    Full,
}
