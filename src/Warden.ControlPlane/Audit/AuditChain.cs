using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Audit;

/// <summary>
/// The tamper-evident audit log. Each event's hash is SHA-256 over the previous event's hash and the event's fields,
/// so changing, deleting or re-ordering any row breaks every hash after it. Appends are serialized (a
/// transaction-scoped PostgreSQL advisory lock; a process lock on SQLite) so the chain stays linear across control-plane
/// replicas, and they run inside the caller's transaction: the change and its audit row commit together or not at all.
/// Pruning removes the oldest rows and records the last removed hash as the chain's anchor, so what remains still verifies.
/// </summary>
public static class AuditChain
{
    /// <summary>Platform setting holding the hash the oldest remaining event must chain to (hex; absent = genesis).</summary>
    public const string AnchorSettingKey = "audit.chain.anchor";

    private static readonly SemaphoreSlim s_sqliteLock = new(1, 1);
    private static readonly byte[] s_genesis = new byte[32];

    /// <summary>
    /// Appends <paramref name="record"/> inside <paramref name="db"/>'s current transaction (which the caller must have
    /// begun and will commit). Returns a lease that must be disposed after the commit: on SQLite it holds the process lock.
    /// </summary>
    public static async Task<IAsyncDisposable> AppendAsync(WardenDbContext db, AuditRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(record);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit events are appended inside the transaction of the change they record.");
        }

        var lease = await LockAsync(db, cancellationToken);
        try
        {
            var previous = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Id).Select(e => e.Hash).FirstOrDefaultAsync(cancellationToken)
                ?? await ReadAnchorAsync(db, cancellationToken);
            var audit = new AuditEvent
            {
                OccurredAt = TruncateToMicroseconds(now),
                Actor = record.Actor,
                ActorGroups = [.. record.ActorGroups],
                OrganizationSlug = record.OrganizationSlug,
                Action = record.Action,
                Target = record.Target,
                Outcome = record.Outcome,
                HttpStatus = record.HttpStatus,
                RequestId = record.RequestId,
                SourceIp = record.SourceIp,
                PreviousHash = previous,
                Hash = [],
            };
            audit.Hash = ComputeHash(previous, audit);
            db.AuditEvents.Add(audit);
            await db.SaveChangesAsync(cancellationToken);
            return lease;
        }
        catch
        {
            await lease.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes one audit event in a transaction of its own (denials, system events).</summary>
    public static async Task AppendStandaloneAsync(IDbContextFactory<WardenDbContext> contexts, AuditRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await using var lease = await AppendAsync(db, record, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Walks the chain from the oldest event and reports the first event whose links do not hold.</summary>
    public static async Task<AuditVerification> VerifyAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var expectedPrevious = await ReadAnchorAsync(db, cancellationToken);
        long checkedCount = 0;
        long lastId = long.MinValue;
        while (true)
        {
            var batch = await db.AuditEvents.AsNoTracking().Where(e => e.Id > lastId).OrderBy(e => e.Id).Take(2000).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return new AuditVerification(true, checkedCount, null, null);
            }

            foreach (var audit in batch)
            {
                if (!audit.PreviousHash.AsSpan().SequenceEqual(expectedPrevious))
                {
                    return new AuditVerification(false, checkedCount, audit.Id,
                        "previous_hash does not match the hash of the event before it: an event before this one was removed, inserted or re-ordered");
                }

                var actual = ComputeHash(audit.PreviousHash, audit);
                if (!CryptographicOperations.FixedTimeEquals(actual, audit.Hash))
                {
                    return new AuditVerification(false, checkedCount, audit.Id, "the event's content does not match its hash: it was modified");
                }

                expectedPrevious = audit.Hash;
                checkedCount++;
                lastId = audit.Id;
            }
        }
    }

    /// <summary>
    /// Deletes events older than <paramref name="cutoff"/> and moves the chain's anchor to the last deleted hash, so the
    /// remaining chain still verifies. Returns the number of events removed.
    /// </summary>
    public static async Task<int> PruneAsync(WardenDbContext db, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var cut = TruncateToMicroseconds(cutoff);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await using var lease = await LockAsync(db, cancellationToken);
        var last = await db.AuditEvents.AsNoTracking().Where(e => e.OccurredAt < cut).OrderByDescending(e => e.Id)
            .Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        if (last is null)
        {
            return 0;
        }

        var removed = await db.AuditEvents.Where(e => e.Id <= last.Id).ExecuteDeleteAsync(cancellationToken);
        var anchor = await db.PlatformSettings.SingleOrDefaultAsync(s => s.Key == AnchorSettingKey, cancellationToken);
        if (anchor is null)
        {
            db.PlatformSettings.Add(new PlatformSetting { Key = AnchorSettingKey, Value = Convert.ToHexStringLower(last.Hash), UpdatedAt = cut });
        }
        else
        {
            anchor.Value = Convert.ToHexStringLower(last.Hash);
            anchor.UpdatedAt = cut;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    /// <summary>The chain hash of <paramref name="audit"/> given the hash before it.</summary>
    public static byte[] ComputeHash(ReadOnlySpan<byte> previousHash, AuditEvent audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previousHash);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, audit.OccurredAt.UtcTicks / 10); // microseconds, the precision both databases store
        hash.AppendData(number);
        AppendField(hash, audit.Actor);
        AppendField(hash, string.Join('\u001f', audit.ActorGroups));
        AppendField(hash, audit.OrganizationSlug);
        AppendField(hash, audit.Action);
        AppendField(hash, audit.Target);
        AppendField(hash, audit.Outcome == AuditOutcome.Allowed ? "allowed" : "denied");
        BinaryPrimitives.WriteInt64BigEndian(number, audit.HttpStatus);
        hash.AppendData(number);
        AppendField(hash, audit.RequestId);
        AppendField(hash, audit.SourceIp);
        return hash.GetHashAndReset();
    }

    /// <summary>Both databases store microseconds; hashing must see exactly what is stored.</summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    private static void AppendField(IncrementalHash hash, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, -1);
            hash.AppendData(length);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    private static async Task<byte[]> ReadAnchorAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        var anchor = await db.PlatformSettings.AsNoTracking().Where(s => s.Key == AnchorSettingKey).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
        return anchor is null ? s_genesis : Convert.FromHexString(anchor);
    }

    private static async Task<IAsyncDisposable> LockAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [AdvisoryLockKeys.AuditChain], cancellationToken);
            return NoLease.Instance;
        }

        await s_sqliteLock.WaitAsync(cancellationToken);
        return new SemaphoreLease(s_sqliteLock);
    }

    private sealed class NoLease : IAsyncDisposable
    {
        public static readonly NoLease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class SemaphoreLease(SemaphoreSlim semaphore) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The result of walking the audit chain.</summary>
/// <param name="Valid">True when every event links to the one before it and matches its hash.</param>
/// <param name="Checked">Events verified before the first broken one (or all of them).</param>
/// <param name="FirstBrokenId">Id of the first event that fails, if any.</param>
/// <param name="Reason">Why it fails.</param>
public sealed record AuditVerification(bool Valid, long Checked, long? FirstBrokenId, string? Reason);
