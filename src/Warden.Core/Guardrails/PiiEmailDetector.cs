using static Warden.Core.Guardrails.PiiAscii;

namespace Warden.Core.Guardrails;

/// <summary>
/// E-mail addresses, found from each <c>@</c>: a local part of 1–64 of <c>A-Z a-z 0-9 . _ % + -</c> (no leading,
/// trailing or doubled dot) and a domain of at least two dot-separated labels of letters, digits and inner dashes
/// whose last label (the TLD) is 2+ letters. Quoted local parts, IP-literal domains and internationalized addresses
/// are not matched.
/// </summary>
internal static class PiiEmailDetector
{
    private const int MaxLocal = 64;
    private const int MaxDomain = 253;

    public static void Scan(ReadOnlySpan<byte> text, List<PiiMatch> output)
    {
        var from = 0;
        var lastEnd = 0;
        while (from < text.Length)
        {
            var at = text[from..].IndexOf((byte)'@');
            if (at < 0)
            {
                return;
            }

            at += from;
            from = at + 1;
            var start = LocalStart(text, at, lastEnd);
            if (start < 0)
            {
                continue;
            }

            var end = DomainEnd(text, at + 1);
            if (end < 0)
            {
                continue;
            }

            output.Add(new PiiMatch(start, end - start, PiiKind.Email));
            lastEnd = end;
            from = end;
        }
    }

    private static bool IsLocal(byte b) => IsAlnum(b) || b is (byte)'.' or (byte)'_' or (byte)'%' or (byte)'+' or (byte)'-';

    private static int LocalStart(ReadOnlySpan<byte> text, int at, int floor)
    {
        var start = at;
        while (start > floor && IsLocal(text[start - 1]))
        {
            if (at - start == MaxLocal)
            {
                return -1;
            }

            start--;
        }

        // A leading dot is punctuation before the address, not part of it.
        while (start < at && text[start] == '.')
        {
            start++;
        }

        if (start == at || text[at - 1] == '.' || text[start..at].IndexOf(".."u8) >= 0)
        {
            return -1;
        }

        return start;
    }

    private static int DomainEnd(ReadOnlySpan<byte> text, int start)
    {
        var position = start;
        var labels = 0;
        var lastLabelStart = start;
        var end = -1;
        while (position - start < MaxDomain)
        {
            var labelStart = position;
            while (IsAlnum(At(text, position)) || (At(text, position) == '-' && position > labelStart))
            {
                position++;
            }

            var labelLength = position - labelStart;
            if (labelLength == 0 || text[position - 1] == '-')
            {
                break;
            }

            labels++;
            lastLabelStart = labelStart;
            if (labels >= 2 && IsTld(text[lastLabelStart..position]))
            {
                end = position;
            }

            if (At(text, position) == '.' && IsAlnum(At(text, position + 1)))
            {
                position++;
                continue;
            }

            break;
        }

        // The address must not run on into a word (a longer, invalid label) or another address.
        return end > 0 && end == position && !IsWord(At(text, end)) && At(text, end) != '@' ? end : -1;
    }

    private static bool IsTld(ReadOnlySpan<byte> label)
    {
        if (label.Length < 2)
        {
            return false;
        }

        foreach (var b in label)
        {
            if (!IsLetter(b))
            {
                return false;
            }
        }

        return true;
    }
}
