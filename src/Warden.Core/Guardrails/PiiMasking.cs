using System.Buffers;
using System.Text;

namespace Warden.Core.Guardrails;

/// <summary>
/// Writes text with matches replaced by their typed placeholders (<see cref="PiiKinds.PlaceholderUtf8"/>), and makes
/// the short redacted snippets that block records keep.
/// </summary>
public static class PiiMasking
{
    /// <summary>Bytes of context a snippet keeps on each side of its focus.</summary>
    public const int SnippetContextBytes = 48;

    /// <summary>Longest focus a snippet keeps (a longer one, e.g. a long injection match, is cut short).</summary>
    public const int SnippetMaxFocusBytes = 160;

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
    /// The short excerpt a block record keeps: up to <see cref="SnippetContextBytes"/> bytes either side of the focus
    /// <paramref name="utf8"/>[start..start+length], cut on UTF-8 character boundaries, line breaks as spaces, <c>…</c>
    /// where text was cut. Every PII match of any kind that touches the excerpt — including one the cut goes through —
    /// is replaced by its placeholder, so a snippet never holds personal data or a fragment of it. With
    /// <paramref name="focusKind"/> the focus is that PII and becomes its placeholder; without, it is kept (a pattern
    /// match), PII inside it masked. Scans the whole text: meant for the rare block, not the hot path.
    /// </summary>
    public static string Snippet(ReadOnlySpan<byte> utf8, int start, int length, PiiKind? focusKind)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, utf8.Length);
        var from = CharStart(utf8, Math.Max(0, start - SnippetContextBytes));
        var to = CharStart(utf8, Math.Min(utf8.Length, start + Math.Min(length, SnippetMaxFocusBytes) + SnippetContextBytes));

        var matches = new List<PiiMatch>();
        PiiScanner.All.Scan(utf8, matches);
        if (focusKind is { } kind)
        {
            matches.Add(new PiiMatch(start, length, kind));
        }

        matches.Sort(static (a, b) => a.Start.CompareTo(b.Start));

        var snippet = new StringBuilder();
        if (from > 0)
        {
            snippet.Append('…');
        }

        var at = from;
        foreach (var match in matches)
        {
            if (match.End <= at || match.Start >= to)
            {
                continue;
            }

            if (match.Start > at)
            {
                AppendText(snippet, utf8[at..match.Start]);
            }

            snippet.Append(PiiKinds.Placeholder(match.Kind));
            at = match.End;
        }

        if (at < to)
        {
            AppendText(snippet, utf8[at..to]);
        }

        if (Math.Max(at, to) < utf8.Length)
        {
            snippet.Append('…');
        }

        return snippet.ToString();
    }

    // Moves back to the first byte of the UTF-8 sequence at index (continuation bytes are 10xxxxxx).
    private static int CharStart(ReadOnlySpan<byte> utf8, int index)
    {
        while (index > 0 && index < utf8.Length && (utf8[index] & 0xC0) == 0x80)
        {
            index--;
        }

        return index;
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
