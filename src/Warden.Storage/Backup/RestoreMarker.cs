namespace Warden.Storage.Backup;

/// <summary>
/// The platform setting a restore writes into the restored database after the data is back
/// (<c>platform_settings</c> key <see cref="SettingKey"/>, JSON <c>{"restoreId":"…","restoredAt":"…","backupId":"…"}</c>).
/// Its <c>restoreId</c> is new on every restore, so the control plane can tell a restored database from the one it
/// knew even when no configuration revision went backwards, and derive a new counter epoch from it (budget counters
/// re-seed from the restored ledger). After writing it, the restore sends <c>NOTIFY warden_reconcile</c> on PostgreSQL.
/// </summary>
public static class RestoreMarker
{
    /// <summary>The <c>platform_settings</c> key.</summary>
    public const string SettingKey = "database.restore";
}
