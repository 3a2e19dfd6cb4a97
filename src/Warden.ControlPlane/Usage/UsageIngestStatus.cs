namespace Warden.ControlPlane.Usage;

/// <summary>What became of a usage batch.</summary>
public enum UsageIngestStatus
{
    /// <summary>Every event is in the ledger (new ones inserted, known ones skipped); the sender may drop its copy.</summary>
    Stored,

    /// <summary>The batch is malformed; re-sending it unchanged cannot succeed.</summary>
    Invalid,

    /// <summary>The batch exceeds the size cap.</summary>
    TooLarge,

    /// <summary>The ledger cannot be written now (database down, not migrated yet); the sender keeps the events and retries.</summary>
    Unavailable,
}
