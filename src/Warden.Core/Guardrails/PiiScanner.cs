using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Warden.Core.Guardrails;

/// <summary>
/// Finds personal data and secrets (SPEC G-1) in UTF-8 text. Built once per set of enabled kinds; immutable and safe to
/// share between threads. Scanning allocates nothing: matches are appended to a caller-owned list, which costs nothing
/// once its capacity is enough (reuse one list per request or per thread and clear it).
/// </summary>
/// <remarks>
/// Every detector is ASCII-driven: bytes of 0x80 and above are never part of a match and count as boundaries, so PII
/// inside Thai, CJK or accented text is found, and the text need not be valid UTF-8. Matches come back ordered by
/// start and never overlap: when two candidates overlap (a phone-shaped run inside a card number, an IPv4 tail inside
/// an IPv6 address, a key inside a PEM block) they merge into one match covering both, whose kind is that of the
/// longer candidate, or on equal length the more specific one (secret, IBAN, credit card, Thai national id, SSN, IP
/// address, e-mail, phone). Masking a merged match therefore never leaves a fragment of either candidate in clear.
/// </remarks>
public sealed class PiiScanner
{
    // Rank on equal length: a lower rank is more specific (checksums and fixed formats beat shapes).
    private static readonly int[] s_rank = BuildRanks();

    private readonly PiiKindSet _kinds;

    /// <summary>Creates a scanner for <paramref name="kinds"/> (duplicates are ignored; none means it finds nothing).</summary>
    public PiiScanner(IEnumerable<PiiKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var set = default(PiiKindSet);
        foreach (var kind in kinds)
        {
            if ((uint)kind > (uint)PiiKind.Secret)
            {
                throw new ArgumentOutOfRangeException(nameof(kinds), kind, "Unknown PII kind.");
            }

            set = set.With(kind);
        }

        _kinds = set;
        Kinds = [.. Enum.GetValues<PiiKind>().Where(set.Has)];
    }

    /// <summary>A scanner with every kind enabled.</summary>
    public static PiiScanner All { get; } = new(Enum.GetValues<PiiKind>());

    /// <summary>The enabled kinds, in <see cref="PiiKind"/> order.</summary>
    public ImmutableArray<PiiKind> Kinds { get; }

    /// <summary>True when <paramref name="kind"/> is enabled.</summary>
    public bool IsEnabled(PiiKind kind) => _kinds.Has(kind);

    /// <summary>
    /// Scans <paramref name="utf8"/> and appends its matches to <paramref name="matches"/> (ordered by start,
    /// non-overlapping, byte offsets into <paramref name="utf8"/>). Entries already in the list are left alone.
    /// </summary>
    /// <returns>The number of matches appended.</returns>
    public int Scan(ReadOnlySpan<byte> utf8, List<PiiMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        var first = matches.Count;
        if (_kinds.IsEmpty || utf8.IsEmpty)
        {
            return 0;
        }

        if (_kinds.Has(PiiKind.Secret))
        {
            PiiSecretDetector.Scan(utf8, matches);
        }

        if (_kinds.Has(PiiKind.Email))
        {
            PiiEmailDetector.Scan(utf8, matches);
        }

        if (_kinds.Has(PiiKind.IpAddress))
        {
            PiiIpv6Detector.Scan(utf8, matches);
        }

        if ((_kinds.Mask & ~((1u << (int)PiiKind.Secret) | (1u << (int)PiiKind.Email))) != 0)
        {
            PiiNumericDetector.Scan(utf8, _kinds, matches);
        }

        return Resolve(matches, first);
    }

    /// <summary>True when <paramref name="utf8"/> holds at least one match (uses <paramref name="scratch"/>, cleared).</summary>
    public bool ContainsAny(ReadOnlySpan<byte> utf8, List<PiiMatch> scratch)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        scratch.Clear();
        var found = Scan(utf8, scratch) > 0;
        scratch.Clear();
        return found;
    }

    /// <summary>Sorts the appended candidates and merges overlaps in place; returns how many remain.</summary>
    private static int Resolve(List<PiiMatch> matches, int first)
    {
        var candidates = CollectionsMarshal.AsSpan(matches)[first..];
        if (candidates.Length > 1)
        {
            candidates.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        }

        var kept = 0;
        foreach (var candidate in candidates)
        {
            if (kept == 0 || candidate.Start >= candidates[kept - 1].End)
            {
                candidates[kept++] = candidate;
                continue;
            }

            var last = candidates[kept - 1];
            var kind = candidate.Length > last.Length || (candidate.Length == last.Length && s_rank[(int)candidate.Kind] < s_rank[(int)last.Kind])
                ? candidate.Kind
                : last.Kind;
            var end = Math.Max(last.End, candidate.End);
            candidates[kept - 1] = new PiiMatch(last.Start, end - last.Start, kind);
        }

        matches.RemoveRange(first + kept, candidates.Length - kept);
        return kept;
    }

    private static int[] BuildRanks()
    {
        PiiKind[] order = [PiiKind.Secret, PiiKind.Iban, PiiKind.CreditCard, PiiKind.ThaiNationalId, PiiKind.Ssn, PiiKind.IpAddress, PiiKind.Email, PiiKind.Phone];
        var ranks = new int[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            ranks[(int)order[i]] = i;
        }

        return ranks;
    }
}
