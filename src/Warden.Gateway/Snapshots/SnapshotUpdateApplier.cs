using Warden.Core.Snapshots;
using Warden.Core.Snapshots.Wire;

namespace Warden.Gateway.Snapshots;

/// <summary>
/// Turns the snapshot in force plus one <see cref="SnapshotUpdateWire"/> into the next snapshot, or throws
/// <see cref="InvalidDataException"/> when the update does not fit what the gateway has (then nothing changes and the
/// gateway resynchronizes). Runs on the subscriber, never on the request path.
/// </summary>
public static class SnapshotUpdateApplier
{
    /// <summary>The next snapshot and a short description of what the update carried.</summary>
    public readonly record struct Result(ConfigSnapshot Snapshot, string What);

    /// <summary>Applies <paramref name="update"/> on top of <paramref name="current"/> (null before the first snapshot).</summary>
    public static Result Apply(ConfigSnapshot? current, SnapshotUpdateWire update, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(update);
        var what = new List<string>(3);
        ConfigPart config;
        if (update.Config is not null)
        {
            config = SnapshotWireMapper.ToConfigPart(update.Config, update.ConfigId, current?.Config);
            what.Add("configuration");
        }
        else
        {
            config = current?.Config is { } existing && existing.ContentId == update.ConfigId
                ? existing
                : throw new InvalidDataException($"The update assumes configuration {update.ConfigId}, which this gateway does not have.");
        }

        KeySet keys;
        if (update.KeyBase is not null)
        {
            keys = SnapshotWireMapper.ToKeySet(update.KeyBase, update.KeyBaseId, update.KeyBaseSequence, config);
            what.Add("key base");
        }
        else
        {
            keys = current?.Keys is { } held && held.BaseId == update.KeyBaseId
                ? held
                : throw new InvalidDataException($"The update assumes key base {update.KeyBaseId}, which this gateway does not have.");
            if (update.Config is not null)
            {
                keys = keys.Relink(config);
            }
        }

        if (update.KeyDelta is { } delta)
        {
            if (delta.FromSequence != keys.Sequence)
            {
                throw new InvalidDataException($"A key delta from sequence {delta.FromSequence} does not apply at sequence {keys.Sequence}.");
            }

            keys = SnapshotWireMapper.ApplyDelta(keys, delta, config);
            what.Add($"key delta of {delta.Count}");
        }

        if (keys.Sequence != update.KeySequence)
        {
            throw new InvalidDataException($"The update leaves the keys at sequence {keys.Sequence}, not {update.KeySequence}.");
        }

        return new Result(new ConfigSnapshot(update.Revision, now, config, keys), what.Count == 0 ? "revision only" : string.Join(", ", what));
    }
}
