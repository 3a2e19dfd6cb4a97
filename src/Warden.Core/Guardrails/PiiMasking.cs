using System.Buffers;
using System.Text;

namespace Warden.Core.Guardrails;

/// <summary>
/// Writes text with matches replaced by their typed placeholders (<see cref="PiiKinds.PlaceholderUtf8"/>), and makes
/// the short redacted snippets that block records keep.
/// </summary>
public static class PiiMasking
{
    /// <summary>Shortest snippet length accepted: the longest placeholder plus two ellipses.</summary>
    public const int MinSnippetLength = 24;

    /// <summary>Default snippet length, in UTF-16 characters.</summary>
    public const int DefaultSnippetLength = 120;

    /// <summary>
    /// Writes <paramref name="utf8"/> to <paramref name="output"/> with each of <paramref name="matches"/> (as returned
    /// by <see cref="PiiScanner.Scan"/>: ordered, non-overlapping, inside the text) replaced by its placeholder.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public static int Mask(ReadOnlySpan<byte> utf8, ReadOnlySpan<PiiMatch> matches, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var written = 0;
        var position = 0;
        foreach (var match in matches)
        {
            Check(match, position, utf8.Length);
            written += Write(output, utf8[position..match.Start]);
            written += Write(output, PiiKinds.PlaceholderUtf8(match.Kind));
            position = match.End;
        }

        written += Write(output, utf8[position..]);
        return written;
    }

    /// <summary>The length in bytes of the masked text.</summary>
    public static int MaskedLength(ReadOnlySpan<byte> utf8, ReadOnlySpan<PiiMatch> matches)
    {
        var length = utf8.Length;
        foreach (var match in matches)
        {
            length += PiiKinds.PlaceholderUtf8(match.Kind).Length - match.Length;
        }

        return length;
    }

    /// <summary>Masks into <paramref name="destination"/>; false (nothing usable written) when it is too small.</summary>
    public static bool TryMask(ReadOnlySpan<byte> utf8, ReadOnlySpan<PiiMatch> matches, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (destination.Length < MaskedLength(utf8, matches))
        {
            return false;
        }

        var position = 0;
        foreach (var match in matches)
        {
            Check(match, position, utf8.Length);
            utf8[position..match.Start].CopyTo(destination[bytesWritten..]);
            bytesWritten += match.Start - position;
            var placeholder = PiiKinds.PlaceholderUtf8(match.Kind);
            placeholder.CopyTo(destination[bytesWritten..]);
            bytesWritten += placeholder.Length;
            position = match.End;
        }

        utf8[position..].CopyTo(destination[bytesWritten..]);
        bytesWritten += utf8.Length - position;
        return true;
    }

    /// <summary>The masked text as a string (for records and tests, not the request path).</summary>
    public static string MaskToString(ReadOnlySpan<byte> utf8, ReadOnlySpan<PiiMatch> matches)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(1, MaskedLength(utf8, matches)));
        Mask(utf8, matches, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// A short snippet (at most <paramref name="maxLength"/> UTF-16 characters) around <c>matches[index]</c> for a
    /// block record: the match and every other match in view are placeholders, so the snippet never holds the PII.
    /// Line breaks and tabs become spaces; <c>…</c> marks cut text. A cut never splits a UTF-8 sequence or a surrogate
    /// pair, and a match at the edge of the view is either shown whole as its placeholder or left out.
    /// </summary>
    public static string Snippet(ReadOnlySpan<byte> utf8, ReadOnlySpan<PiiMatch> matches, int index, int maxLength = DefaultSnippetLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, MinSnippetLength);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, matches.Length);
        var target = matches[index];
        Check(target, 0, utf8.Length);

        // A byte window wide enough for maxLength characters on each side, widened to whole matches and whole
        // UTF-8 sequences; then masked, decoded, and cut to size around the target's placeholder.
        var windowStart = Math.Max(0, target.Start - (maxLength * 4));
        var windowEnd = Math.Min(utf8.Length, target.End + (maxLength * 4));
        while (windowStart > 0 && (utf8[windowStart] & 0xC0) == 0x80)
        {
            windowStart--;
        }

        while (windowEnd < utf8.Length && (utf8[windowEnd] & 0xC0) == 0x80)
        {
            windowEnd++;
        }

        foreach (var match in matches)
        {
            if (match.Start < windowStart && match.End > windowStart)
            {
                windowStart = match.Start;
            }

            if (match.Start < windowEnd && match.End > windowEnd)
            {
                windowEnd = match.End;
            }
        }

        var masked = new StringBuilder();
        var targetAt = 0;
        var position = windowStart;
        for (var m = 0; m < matches.Length; m++)
        {
            var match = matches[m];
            if (match.End <= windowStart || match.Start >= windowEnd)
            {
                continue;
            }

            AppendText(masked, utf8[position..match.Start]);
            if (m == index)
            {
                targetAt = masked.Length;
            }

            masked.Append(PiiKinds.Placeholder(match.Kind));
            position = match.End;
        }

        AppendText(masked, utf8[position..windowEnd]);

        var placeholderLength = PiiKinds.Placeholder(target.Kind).Length;
        var available = maxLength - placeholderLength - 2;
        var before = targetAt;
        var after = masked.Length - targetAt - placeholderLength;
        var right = Math.Min(after, available - Math.Min(before, available / 2));
        var left = Math.Min(before, available - right);
        var start = targetAt - left;
        var end = targetAt + placeholderLength + right;
        if (start > 0 && char.IsLowSurrogate(masked[start]))
        {
            start++;
        }

        if (end < masked.Length && char.IsHighSurrogate(masked[end - 1]))
        {
            end--;
        }

        var prefix = start > 0 || windowStart > 0 ? "…" : string.Empty;
        var suffix = end < masked.Length || windowEnd < utf8.Length ? "…" : string.Empty;
        return string.Concat(prefix, masked.ToString(start, end - start), suffix);
    }

    private static void AppendText(StringBuilder builder, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return;
        }

        var start = builder.Length;
        builder.Append(Encoding.UTF8.GetString(utf8));
        for (var i = start; i < builder.Length; i++)
        {
            if (builder[i] is '\r' or '\n' or '\t')
            {
                builder[i] = ' ';
            }
        }
    }

    private static int Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty)
        {
            output.Write(bytes);
        }

        return bytes.Length;
    }

    private static void Check(PiiMatch match, int position, int length)
    {
        if (match.Start < position || match.Length <= 0 || match.End > length)
        {
            throw new ArgumentException("Matches must be ordered, non-overlapping and inside the text.", nameof(match));
        }
    }
}
