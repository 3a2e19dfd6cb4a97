using static Warden.Core.Guardrails.PiiAscii;

namespace Warden.Core.Guardrails;

/// <summary>
/// IPv6 addresses, found from each <c>:</c>: the surrounding run of hex digits, colons and dots is validated as a full,
/// compressed (<c>::</c>) or IPv4-embedding address. It must hold at least two colons and one decimal digit (so
/// <c>Foo::Bar</c> in code is not an address), and be bounded by bytes that are neither hex, colon nor letters.
/// Zone ids (<c>%eth0</c>) and brackets are outside the match.
/// </summary>
internal static class PiiIpv6Detector
{
    private const int MaxLength = 45;

    public static void Scan(ReadOnlySpan<byte> text, List<PiiMatch> output)
    {
        var from = 0;
        while (from < text.Length)
        {
            var colon = text[from..].IndexOf((byte)':');
            if (colon < 0)
            {
                return;
            }

            colon += from;
            var start = colon;
            while (start > from && IsHexOrColon(text[start - 1]))
            {
                start--;
            }

            var end = colon + 1;
            while (end < text.Length && (IsHexOrColon(text[end]) || text[end] == '.'))
            {
                end++;
            }

            from = end;

            // Sentence punctuation after an address.
            while (end > start && text[end - 1] == '.')
            {
                end--;
            }

            if (end - start > 2 && text[end - 1] == ':' && text[end - 2] != ':')
            {
                end--;
            }

            if (IsWord(At(text, start - 1)) || IsWord(At(text, end)) || end - start > MaxLength || !IsAddress(text[start..end]))
            {
                continue;
            }

            output.Add(new PiiMatch(start, end - start, PiiKind.IpAddress));
        }
    }

    private static bool IsHexOrColon(byte b) => IsHex(b) || b == ':';

    /// <summary>RFC 4291 text forms: eight groups, or fewer around one <c>::</c>; an IPv4 tail counts as two groups.</summary>
    internal static bool IsAddress(ReadOnlySpan<byte> candidate)
    {
        if (candidate.Length < 3 || candidate.Count((byte)':') < 2 || candidate.IndexOfAnyInRange((byte)'0', (byte)'9') < 0)
        {
            return false;
        }

        var compressed = candidate.IndexOf("::"u8);
        if (compressed >= 0 && candidate[(compressed + 1)..].IndexOf("::"u8) >= 0)
        {
            return false;
        }

        if (compressed < 0)
        {
            return Groups(candidate, allowIpv4Tail: true) == 8;
        }

        var head = candidate[..compressed];
        var tail = candidate[(compressed + 2)..];
        var headGroups = head.IsEmpty ? 0 : Groups(head, allowIpv4Tail: false);
        var tailGroups = tail.IsEmpty ? 0 : Groups(tail, allowIpv4Tail: true);
        return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups <= 7;
    }

    /// <summary>Counts colon-separated groups of 1–4 hex digits (an IPv4 tail as 2); −1 when malformed.</summary>
    private static int Groups(ReadOnlySpan<byte> part, bool allowIpv4Tail)
    {
        var groups = 0;
        while (true)
        {
            var colon = part.IndexOf((byte)':');
            var group = colon < 0 ? part : part[..colon];
            if (colon < 0 && allowIpv4Tail && group.IndexOf((byte)'.') >= 0)
            {
                return PiiNumericDetector.Ipv4(group, 0) == group.Length ? groups + 2 : -1;
            }

            if (group.Length is 0 or > 4 || group.ContainsAnyExcept(PiiSecretDetector.HexDigits))
            {
                return -1;
            }

            groups++;
            if (colon < 0)
            {
                return groups;
            }

            part = part[(colon + 1)..];
        }
    }
}
