namespace Warden.Storage;

/// <summary>
/// Every PostgreSQL advisory-lock key Warden uses, in one place so two features can never collide.
/// Keys are <c>"WARDEN"</c> in ASCII in the high six bytes and a small number in the low two.
/// </summary>
public static class AdvisoryLockKeys
{
    private const long Prefix = 0x5741_5244_454E_0000; // "WARDEN"

    /// <summary>Held by <see cref="WardenDatabase.MigrateAsync"/> while it checks for and applies migrations.</summary>
    public const long Migrations = Prefix | 0x0001;

    /// <summary>Held by the control-plane replica that runs cluster-wide background jobs (leader election).</summary>
    public const long BackgroundJobLeader = Prefix | 0x0002;

    /// <summary>Held (transaction-scoped) while an audit event is appended or the audit log is pruned, so the hash chain stays linear.</summary>
    public const long AuditChain = Prefix | 0x0003;
}
