namespace Warden.Core.Guardrails;

/// <summary>
/// ASCII byte classes the detectors share. Bytes of 0x80 and above (any non-ASCII UTF-8 sequence) belong to no class,
/// so they act as boundaries: a number right after Thai or CJK text is still a number on its own.
/// </summary>
internal static class PiiAscii
{
    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    public static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    public static bool IsUpper(byte b) => (uint)(b - 'A') <= 'Z' - 'A';

    public static bool IsLower(byte b) => (uint)(b - 'a') <= 'z' - 'a';

    public static bool IsAlnum(byte b) => IsDigit(b) || IsLetter(b);

    public static bool IsHex(byte b) => IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'f' - 'a';

    /// <summary>Letters, digits and underscore: a byte that glues a match to its neighbour.</summary>
    public static bool IsWord(byte b) => IsAlnum(b) || b == '_';

    /// <summary>The byte at <paramref name="index"/>, or 0 (a boundary) outside the text.</summary>
    public static byte At(ReadOnlySpan<byte> text, int index) => (uint)index < (uint)text.Length ? text[index] : (byte)0;

    /// <summary>Number of consecutive ASCII digits from <paramref name="index"/>.</summary>
    public static int Digits(ReadOnlySpan<byte> text, int index)
    {
        var count = 0;
        while (IsDigit(At(text, index + count)))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// True when a numeric match may end at <paramref name="end"/>: the next byte is not a letter, digit, underscore
    /// or <c>@</c>, and not a <c>.</c>/<c>-</c> followed by a digit (which would make it part of a longer dotted or
    /// dashed number: a version, a longer id).
    /// </summary>
    public static bool EndsNumber(ReadOnlySpan<byte> text, int end)
    {
        var next = At(text, end);
        if (IsWord(next) || next == '@')
        {
            return false;
        }

        return !((next == '.' || next == '-') && IsDigit(At(text, end + 1)));
    }

    /// <summary>
    /// True when a numeric match may start at <paramref name="start"/>: the previous byte is not a letter, digit,
    /// underscore or <c>+</c>, and not a <c>.</c>/<c>-</c> preceded by a digit.
    /// </summary>
    public static bool StartsNumber(ReadOnlySpan<byte> text, int start)
    {
        var previous = At(text, start - 1);
        if (IsWord(previous) || previous == '+')
        {
            return false;
        }

        return !((previous == '.' || previous == '-') && IsDigit(At(text, start - 2)));
    }
}
