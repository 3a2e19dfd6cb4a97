namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// Which configuration revisions the reconcile loop has already turned into snapshot changes. Revision ids come from
/// an identity column, assigned at insert and visible at commit, so a transaction with a lower id can become visible
/// after one with a higher id. The cursor therefore keeps a <see cref="Watermark"/> (every id at or below it is done)
/// plus the ids above it already processed, and waits for a missing id (a gap) up to <see cref="GapGiveUp"/> before
/// treating it as a rolled-back transaction that will never appear. The periodic full check catches anything missed.
/// </summary>
internal sealed class RevisionCursor
{
    /// <summary>How long a gap in revision ids is waited for before it counts as a rolled-back transaction.</summary>
    public static readonly TimeSpan GapGiveUp = TimeSpan.FromSeconds(30);

    private readonly SortedSet<long> _processedAbove = [];
    private readonly Dictionary<long, DateTimeOffset> _gapsSince = [];

    /// <summary>Every revision id at or below this has been processed (or given up on).</summary>
    public long Watermark { get; private set; }

    /// <summary>The highest processed revision: if it disappears or changes, the history did not continue (a restore).</summary>
    public RevisionMark? Anchor { get; private set; }

    /// <summary>Starts over after a full build that saw <paramref name="recent"/> (the newest revisions, ascending).</summary>
    public void Reset(IReadOnlyList<RevisionMark> recent, DateTimeOffset now)
    {
        _processedAbove.Clear();
        _gapsSince.Clear();
        Anchor = recent.Count > 0 ? recent[^1] : null;
        Watermark = recent.Count > 0 ? recent[0].Id - 1 : 0;
        foreach (var mark in recent)
        {
            _processedAbove.Add(mark.Id);
        }

        Advance(now);
    }

    /// <summary>True when <paramref name="id"/> was processed already.</summary>
    public bool IsProcessed(long id) => id <= Watermark || _processedAbove.Contains(id);

    /// <summary>Records processed revisions and advances the watermark.</summary>
    public void MarkProcessed(IEnumerable<RevisionMark> marks, DateTimeOffset now)
    {
        foreach (var mark in marks)
        {
            if (mark.Id > Watermark)
            {
                _processedAbove.Add(mark.Id);
            }

            if (Anchor is null || mark.Id > Anchor.Id)
            {
                Anchor = mark;
            }
        }

        Advance(now);
    }

    /// <summary>Moves the watermark over processed ids and over gaps older than <see cref="GapGiveUp"/>.</summary>
    public void Advance(DateTimeOffset now)
    {
        while (_processedAbove.Count > 0)
        {
            var next = Watermark + 1;
            if (_processedAbove.Remove(next))
            {
                Watermark = next;
                _gapsSince.Remove(next);
                continue;
            }

            // A gap below processed ids: an uncommitted (or rolled-back) transaction.
            if (!_gapsSince.TryGetValue(next, out var since))
            {
                _gapsSince[next] = now;
                break;
            }

            if (now - since < GapGiveUp)
            {
                break;
            }

            _gapsSince.Remove(next);
            Watermark = next;
        }
    }
}
