using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Snapshots;
using Warden.Core.Snapshots.Wire;
using Warden.Storage;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// Builds a whole <see cref="ConfigSnapshot"/> from the database in one go: configuration part and every consumer and
/// key. The reconcile loop uses <see cref="IncrementalSnapshotBuilder"/>; this is the same reading and mapping code
/// for callers that want one complete snapshot (tools, tests).
/// </summary>
public sealed class SnapshotBuilder
{
    private readonly IDbContextFactory<WardenDbContext> _contexts;
    private readonly TimeProvider _time;

    public SnapshotBuilder(IDbContextFactory<WardenDbContext> contexts, TimeProvider time)
    {
        _contexts = contexts;
        _time = time;
    }

    /// <summary>Reads the configuration and builds a snapshot at the current revision.</summary>
    public async Task<ConfigSnapshot> BuildAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var revision = await db.ConfigRevisions.AsNoTracking().MaxAsync(r => (long?)r.Id, cancellationToken) ?? 0;
        var configWire = await ConfigReader.ReadAsync(db, cancellationToken);
        var config = SnapshotWireMapper.ToConfigPart(configWire, SnapshotWireMapper.ContentId(JsonSerializer.SerializeToUtf8Bytes(configWire, SnapshotWireJsonContext.Default.ConfigWire)));
        var (consumers, keys) = await KeyReader.ReadAllAsync(db, cancellationToken);
        var keySet = SnapshotWireMapper.ToKeySet(new KeyBaseWire { Consumers = [.. consumers.Values], Keys = [.. keys.Values] }, "", 0, config);
        return new ConfigSnapshot(revision, _time.GetUtcNow(), config, keySet);
    }
}
