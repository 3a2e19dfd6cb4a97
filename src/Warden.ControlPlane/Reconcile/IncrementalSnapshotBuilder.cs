using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Core.Diagnostics;
using Warden.Core.Snapshots;
using Warden.Core.Snapshots.Wire;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// Builds the desired state incrementally from the configuration-change outbox and publishes it to the
/// <see cref="SnapshotHub"/>. Remembers the last revision it built from; when new revisions continue that history it
/// reads only their <see cref="ConfigChange"/> rows: key and consumer changes load just those rows and append a key
/// delta, any other kind rebuilds the (small) configuration part without reloading keys. When the history does not
/// continue (the remembered revision is gone or different: a restore, a replaced database), when a revision carries no
/// change rows (a direct edit), or on the periodic full check, it re-reads everything and compares by content: a
/// changed key set starts a new key base. Not thread-safe: one reconcile loop owns it.
/// </summary>
public sealed partial class IncrementalSnapshotBuilder
{
    private static readonly HashSet<string> s_keyKinds = new(StringComparer.Ordinal) { ConfigEntityKinds.ApiKey, ConfigEntityKinds.Consumer };
    private static readonly HashSet<string> s_ignoredKinds = new(StringComparer.Ordinal) { ConfigEntityKinds.AccessToken };
    private static readonly HashSet<string> s_groupKinds = new(StringComparer.Ordinal)
    {
        ConfigEntityKinds.Group, ConfigEntityKinds.Membership, ConfigEntityKinds.User, ConfigEntityKinds.Project,
    };

    private readonly IDbContextFactory<WardenDbContext> _contexts;
    private readonly SnapshotHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RevisionCursor _cursor = new();
    private readonly CounterEpochReader _epochs;
    private CounterEpochSource? _epoch;
    private string? _configId;
    private byte[]? _configPayload;
    private KeyJournal? _keys;
    private ConfigSnapshot? _snapshot;
    private long _revision;
    private ConfigWire? _pendingConfig;

    public IncrementalSnapshotBuilder(IDbContextFactory<WardenDbContext> contexts, SnapshotHub hub, TimeProvider time, ILogger<IncrementalSnapshotBuilder>? logger = null)
    {
        _contexts = contexts;
        _hub = hub;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _epochs = new CounterEpochReader(_logger);
    }

    /// <summary>The counter epoch served, and what it was derived from (null before the first reconcile).</summary>
    public CounterEpochSource? CounterEpoch => _epoch;

    /// <summary>
    /// Whether <see cref="Current"/> carries key entry objects. Needed when something consumes whole snapshots (the
    /// in-process gateway of <c>warden serve</c>); a standalone control plane serves keys in wire form only and saves
    /// the memory.
    /// </summary>
    public bool MaterializeKeys { get; set; } = true;

    /// <summary>The snapshot built last, or null before the first reconcile.</summary>
    public ConfigSnapshot? Current => _snapshot;

    /// <summary>The key base currently served (empty before the first reconcile).</summary>
    public string KeyBaseId => _keys?.BaseId ?? "";

    /// <summary>Reconciles: incrementally when possible, fully when <paramref name="full"/> or when it must.</summary>
    public async Task<ReconcileOutcome> ReconcileAsync(bool full, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var outcome = _keys is null ? await FullAsync(db, "start", cancellationToken)
            : full ? await FullAsync(db, "periodic full check", cancellationToken)
            : await IncrementalAsync(db, cancellationToken);
        outcome = outcome with { Elapsed = Stopwatch.GetElapsedTime(started) };
        if (outcome.Kind == ReconcileKind.Full || outcome.ConfigChanged)
        {
            LogReconciled(_logger, outcome.Kind, outcome.Reason, outcome.Revision, _configId, _keys!.BaseId, _keys.View.Sequence, _keys.KeyCount, outcome.NewKeyBase, outcome.Elapsed.TotalMilliseconds);
        }
        else if (outcome.Changed)
        {
            LogKeyDelta(_logger, outcome.KeyDeltaEntries, outcome.Revision, _keys!.View.Sequence, outcome.Elapsed.TotalMilliseconds);
        }

        return outcome;
    }

    private async Task<ReconcileOutcome> IncrementalAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        // A restore that left the revision history intact (no configuration change since the backup) still changes the
        // ledger: the restore marker (or a new cluster/timeline) gives it a new counter epoch, and gateways re-seed.
        var epoch = await _epochs.ReadAsync(db, cancellationToken);
        if (epoch.Epoch != _epoch?.Epoch)
        {
            return await FullAsync(db, "counter epoch changed", cancellationToken, epoch);
        }

        if (_cursor.Anchor is { } anchor)
        {
            var createdAt = await db.ConfigRevisions.AsNoTracking().Where(r => r.Id == anchor.Id).Select(r => (DateTimeOffset?)r.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            if (createdAt != anchor.CreatedAt)
            {
                return await FullAsync(db, "revision history changed", cancellationToken);
            }
        }

        var watermark = _cursor.Watermark;
        var fresh = (await db.ConfigRevisions.AsNoTracking().Where(r => r.Id > watermark).OrderBy(r => r.Id)
                .Select(r => new RevisionMark(r.Id, r.CreatedAt)).ToListAsync(cancellationToken))
            .Where(r => !_cursor.IsProcessed(r.Id)).ToList();
        if (fresh.Count == 0)
        {
            _cursor.Advance(now);
            return new ReconcileOutcome(ReconcileKind.None, "no new revisions", false, false, 0, _revision, default);
        }

        var ids = fresh.Select(r => r.Id).ToList();
        var changes = await ReadChangesAsync(db, ids, cancellationToken);
        var revisionsWithChanges = changes.Select(c => c.RevisionId).ToHashSet();
        if (ids.Any(id => !revisionsWithChanges.Contains(id)))
        {
            // Someone recorded a revision without saying what changed: only a full read can tell.
            return await FullAsync(db, "revision without change rows", cancellationToken);
        }

        if (changes.Any(c => c.Operation == ConfigOperation.Deleted && c.EntityKind is ConfigEntityKinds.Organization or ConfigEntityKinds.Project))
        {
            // The database cascades to consumers and keys that the outbox does not list one by one.
            return await FullAsync(db, "organization or project deleted", cancellationToken);
        }

        var configDirty = changes.Any(c => !s_keyKinds.Contains(c.EntityKind) && !s_ignoredKinds.Contains(c.EntityKind));
        var groupsDirty = changes.Any(c => s_groupKinds.Contains(c.EntityKind));
        var consumerIds = changes.Where(c => c.EntityKind == ConfigEntityKinds.Consumer).Select(c => c.EntityId).ToHashSet();
        var keyIds = changes.Where(c => c.EntityKind == ConfigEntityKinds.ApiKey).Select(c => c.EntityId).ToHashSet();

        var configChanged = configDirty && await ReadConfigAsync(db, cancellationToken);

        var keysRead = await KeyReader.ReadKeysAsync(db, keyIds, cancellationToken);
        // A key of a consumer we do not know yet (created without its own change row): load the consumer as well.
        consumerIds.UnionWith(keysRead.Select(k => k.ConsumerId).Where(id => _keys!.FindConsumer(id) is null));
        var consumersRead = await KeyReader.ReadConsumersAsync(db, consumerIds, cancellationToken);
        if (groupsDirty)
        {
            // Group membership or assignment changed: recompute every user consumer's groups; unchanged ones drop out.
            var known = consumersRead.Select(c => c.Id).ToHashSet();
            consumersRead.AddRange((await KeyReader.ReadUserConsumersAsync(db, cancellationToken)).Where(c => !known.Contains(c.Id)));
        }

        var delta = _keys!.Apply(consumerIds, consumersRead, keyIds, keysRead);
        _cursor.MarkProcessed(fresh, now);
        var revision = _cursor.Anchor?.Id ?? _revision;
        var revisionChanged = revision != _revision;
        _revision = revision;
        var kind = configDirty ? ReconcileKind.Incremental : ReconcileKind.KeyDelta;
        Publish(configChanged, newKeyBase: false, delta, force: revisionChanged);
        return new ReconcileOutcome(kind, configDirty ? "configuration changed" : "keys changed", configChanged, false, delta?.Count ?? 0, _revision, default);
    }

    /// <summary>
    /// Runs the incremental path's queries once with ids that match nothing, so their one-time query compilation does
    /// not delay the first real change reaching gateways.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await ReadChangesAsync(db, [-1], cancellationToken);
        await KeyReader.ReadKeysAsync(db, [Guid.Empty], cancellationToken);
        await KeyReader.ReadConsumersAsync(db, [Guid.Empty], cancellationToken);
    }

    private static async Task<List<ChangeRow>> ReadChangesAsync(WardenDbContext db, List<long> revisionIds, CancellationToken cancellationToken) =>
        await db.ConfigChanges.AsNoTracking().Where(c => revisionIds.Contains(c.RevisionId))
            .Select(c => new ChangeRow(c.RevisionId, c.EntityKind, c.EntityId, c.Operation)).ToListAsync(cancellationToken);

    private sealed record ChangeRow(long RevisionId, string EntityKind, Guid EntityId, ConfigOperation Operation);

    private async Task<ReconcileOutcome> FullAsync(WardenDbContext db, string reason, CancellationToken cancellationToken, CounterEpochSource? epoch = null)
    {
        epoch ??= await _epochs.ReadAsync(db, cancellationToken);
        if (epoch.Epoch != _epoch?.Epoch)
        {
            if (_epoch is null)
            {
                LogEpoch(_logger, epoch.Epoch, epoch.RestoreId, epoch.SystemIdentifier, epoch.Timeline, epoch.DatabaseOid);
            }
            else
            {
                LogEpochChanged(_logger, _epoch.Epoch, epoch.Epoch, epoch.RestoreId, epoch.SystemIdentifier, epoch.Timeline, epoch.DatabaseOid);
            }
        }

        _epoch = epoch;

        // Revisions first, data second: a revision committed in between is in the data and replays as a no-op.
        var max = await db.ConfigRevisions.AsNoTracking().MaxAsync(r => (long?)r.Id, cancellationToken) ?? 0;
        var recent = await db.ConfigRevisions.AsNoTracking().Where(r => r.Id > max - 100).OrderBy(r => r.Id)
            .Select(r => new RevisionMark(r.Id, r.CreatedAt)).ToListAsync(cancellationToken);
        var configChanged = await ReadConfigAsync(db, cancellationToken);
        var (consumers, keys) = await KeyReader.ReadAllAsync(db, cancellationToken);
        var newKeyBase = _keys is null || !_keys.HasSameContent(consumers, keys);
        if (newKeyBase)
        {
            _keys = KeyJournal.StartBase(consumers, keys);
        }

        _cursor.Reset(recent, _time.GetUtcNow());
        var revisionChanged = _revision != max;
        _revision = max;
        Publish(configChanged, newKeyBase, null, force: revisionChanged);
        return new ReconcileOutcome(ReconcileKind.Full, reason, configChanged, newKeyBase, 0, _revision, default);
    }

    /// <summary>Reads the configuration part; true when its content changed.</summary>
    private async Task<bool> ReadConfigAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        var wire = await ConfigReader.ReadAsync(db, cancellationToken);
        wire.CounterEpoch = _epoch?.Epoch is { Length: > 0 } epoch ? epoch : null;
        var payload = JsonSerializer.SerializeToUtf8Bytes(wire, SnapshotWireJsonContext.Default.ConfigWire);
        var id = SnapshotWireMapper.ContentId(payload);
        if (id == _configId)
        {
            return false;
        }

        _configId = id;
        _configPayload = payload;
        _pendingConfig = wire;
        return true;
    }

    private void Publish(bool configChanged, bool newKeyBase, KeyDeltaWire? delta, bool force = false)
    {
        if (!configChanged && !newKeyBase && delta is null && !force && _snapshot is not null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var keysView = _keys!.View;
        var config = configChanged || _snapshot is null
            ? SnapshotWireMapper.ToConfigPart(_pendingConfig!, _configId!, _snapshot?.Config)
            : _snapshot.Config;
        _pendingConfig = null;

        KeySet keys;
        if (newKeyBase || _snapshot is null)
        {
            keys = MaterializeKeys
                ? SnapshotWireMapper.ToKeySet(_keys.Materialize(), keysView.BaseId, keysView.Sequence, config)
                : KeySet.Empty.WithIdentity(keysView.BaseId, keysView.Sequence);
        }
        else
        {
            keys = configChanged && MaterializeKeys ? _snapshot.Keys.Relink(config) : _snapshot.Keys;
            keys = delta is not null && MaterializeKeys
                ? SnapshotWireMapper.ApplyDelta(keys, delta, config)
                : keys.WithIdentity(keysView.BaseId, keysView.Sequence);
        }

        _snapshot = new ConfigSnapshot(_revision, now, config, keys);
        _hub.Publish(new SnapshotHead(_revision, _configId!, _configPayload!, keysView, _snapshot));
    }

    [LoggerMessage(EventId = WardenEventIds.CounterEpochDerived, Level = LogLevel.Information,
        Message = "Counter epoch '{Epoch}' (restore {RestoreId}, system {SystemIdentifier}, timeline {Timeline}, database oid {DatabaseOid})")]
    private static partial void LogEpoch(ILogger logger, string epoch, string? restoreId, string? systemIdentifier, long? timeline, long? databaseOid);

    [LoggerMessage(EventId = WardenEventIds.CounterEpochChangedOnControlPlane, Level = LogLevel.Warning,
        Message = "The database was restored or replaced: counter epoch '{Previous}' -> '{Epoch}' (restore {RestoreId}, system {SystemIdentifier}, timeline {Timeline}, database oid {DatabaseOid}); rebuilding fully, gateways re-seed their budget counters from the ledger")]
    private static partial void LogEpochChanged(ILogger logger, string previous, string epoch, string? restoreId, string? systemIdentifier, long? timeline, long? databaseOid);

    [LoggerMessage(EventId = WardenEventIds.ReconcileCompleted, Level = LogLevel.Information,
        Message = "Reconcile ({Kind}, {Reason}): revision {Revision}, config {ConfigId}, key base {KeyBaseId} at {KeySequence} ({Keys} keys, new base: {NewKeyBase}) in {ElapsedMs:F1} ms")]
    private static partial void LogReconciled(ILogger logger, ReconcileKind kind, string reason, long revision, string? configId, string keyBaseId, long keySequence, int keys, bool newKeyBase, double elapsedMs);

    [LoggerMessage(EventId = WardenEventIds.ReconcileCompleted, Level = LogLevel.Debug,
        Message = "Reconcile: key delta of {Entries} entries, revision {Revision}, key sequence {KeySequence}, in {ElapsedMs:F1} ms")]
    private static partial void LogKeyDelta(ILogger logger, int entries, long revision, long keySequence, double elapsedMs);
}
