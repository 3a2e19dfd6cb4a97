using System.Buffers;
using System.Text;
using Warden.Core.Guardrails;

namespace Warden.Gateway.Guardrails;

/// <summary>
/// The short excerpt a block records (SPEC G-4): up to <see cref="ContextBytes"/> bytes either side of the match, cut
/// on UTF-8 character boundaries, with every PII match that touches it — of any kind, whatever the project's rules,
/// including one the cut goes through — replaced by its placeholder, so a block record never holds the personal data
/// or secret that caused it. Line breaks become spaces. Runs only when a request is blocked.
/// </summary>
internal static class GuardrailSnippet
{
    /// <summary>Bytes of context kept on each side of the match.</summary>
    public const int ContextBytes = 48;

    /// <summary>Longest match kept in a snippet (a longer injection is cut short).</summary>
    public const int MaxFocusBytes = 160;

    private static readonly PiiScanner s_all = PiiScanner.All;

    /// <summary>
    /// The snippet around <paramref name="text"/>[start..start+length]; <paramref name="focusKind"/> names the PII
    /// the focus is (masked as such), null for a pattern match (kept, with any PII inside it masked).
    /// </summary>
    public static string Around(ReadOnlySpan<byte> text, int start, int length, PiiKind? focusKind)
    {
        var from = CharStart(text, Math.Max(0, start - ContextBytes));
        var to = CharStart(text, Math.Min(text.Length, start + Math.Min(length, MaxFocusBytes) + ContextBytes));

        var matches = new List<PiiMatch>();
        s_all.Scan(text, matches);
        if (focusKind is { } kind)
        {
            matches.Add(new PiiMatch(start, length, kind));
        }

        matches.Sort(static (a, b) => a.Start.CompareTo(b.Start));

        var output = new ArrayBufferWriter<byte>((to - from) + 32);
        if (from > 0)
        {
            output.Write("…"u8);
        }

        var at = from;
        foreach (var match in matches)
        {
            var end = match.Start + match.Length;
            if (end <= at || match.Start >= to)
            {
                continue;
            }

            if (match.Start > at)
            {
                output.Write(text[at..match.Start]);
            }

            output.Write(PiiKinds.PlaceholderUtf8(match.Kind));
            at = end;
        }

        if (at < to)
        {
            output.Write(text[at..to]);
        }

        if (Math.Max(at, to) < text.Length)
        {
            output.Write("…"u8);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan).ReplaceLineEndings(" ");
    }

    // Moves back to the first byte of the UTF-8 sequence at index (continuation bytes are 10xxxxxx).
    private static int CharStart(ReadOnlySpan<byte> text, int index)
    {
        while (index > 0 && index < text.Length && (text[index] & 0xC0) == 0x80)
        {
            index--;
        }

        return index;
    }
}
