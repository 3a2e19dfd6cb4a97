using System.Buffers;
using System.Text;
using Warden.Core.Keys;
using static Warden.Core.Guardrails.PiiAscii;

namespace Warden.Core.Guardrails;

/// <summary>
/// Secrets: PEM private-key blocks, well-known key formats found by prefix, <c>Bearer</c> tokens, JWTs, and generic
/// high-entropy tokens. Text is walked token by token (runs of <c>A-Z a-z 0-9 _ - + / =</c>); a known prefix is looked
/// for at the token start and after each <c>=</c>, <c>/</c> or <c>+</c> inside it (<c>api_key=sk-…</c> masks the key,
/// not the name).
/// </summary>
internal static class PiiSecretDetector
{
    /// <summary>Shortest generic token considered.</summary>
    public const int GenericMinLength = 32;

    /// <summary>Longest generic token considered: longer runs are data (base64 images, blobs), not keys.</summary>
    public const int GenericMaxLength = 256;

    /// <summary>Minimum Shannon entropy, in bits per character, of a generic token.</summary>
    public const double GenericMinEntropy = 3.5;

    // Shorter tokens cannot hold any format below (the shortest, a Slack token, is 15), except the word "Bearer".
    private const int MinTokenLength = 15;

    internal static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

    private static readonly bool[] s_tokenTable = BuildTokenTable();
    private static readonly SearchValues<byte> s_hexOrDash = SearchValues.Create("0123456789abcdefABCDEF-"u8);
    private static readonly SearchValues<byte> s_wardenAlphabet = SearchValues.Create("23456789abcdefghijkmnpqrstuvwxyz"u8);

    public static void Scan(ReadOnlySpan<byte> text, List<PiiMatch> output)
    {
        ScanPem(text, output);

        // Prose is mostly short words: a table walk beats two vectorized searches per word.
        var isToken = s_tokenTable;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !isToken[text[i]])
            {
                i++;
            }

            if (i == text.Length)
            {
                return;
            }

            var start = i;
            while (i < text.Length && isToken[text[i]])
            {
                i++;
            }

            var end = i;
            if (end - start < MinTokenLength && !IsBearerWord(text, start, end))
            {
                continue;
            }

            var found = false;
            for (var p = start; p < end; p++)
            {
                if (p > start && text[p - 1] is not ((byte)'=' or (byte)'/' or (byte)'+'))
                {
                    continue;
                }

                var (matchStart, matchEnd) = Known(text, p, end);
                if (matchEnd > 0)
                {
                    output.Add(new PiiMatch(matchStart, matchEnd - matchStart, PiiKind.Secret));
                    i = matchEnd;
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                Generic(text, start, end, output);
            }
        }
    }

    private static bool[] BuildTokenTable()
    {
        var table = new bool[256];
        foreach (var b in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/="u8)
        {
            table[b] = true;
        }

        return table;
    }

    private static bool IsBearerWord(ReadOnlySpan<byte> text, int start, int end) =>
        end - start == 6 && (text[start] | 0x20) == 'b' && Ascii.EqualsIgnoreCase(text.Slice(start + 1, 5), "earer"u8);

    /// <summary>A known format starting at <paramref name="p"/>: the match bounds, or (0, 0).</summary>
    private static (int Start, int End) Known(ReadOnlySpan<byte> text, int p, int tokenEnd)
    {
        var word = WordLength(text, p);
        var rest = text[p..];
        switch (text[p])
        {
            case (byte)'s':
                // OpenAI (sk-, sk-proj-, sk-svcacct-), Anthropic (sk-ant-): 20+ more characters with letters and digits.
                if (rest.StartsWith("sk-"u8) && word >= 23 && HasLetterAndDigit(text.Slice(p + 3, word - 3)))
                {
                    return (p, p + word);
                }

                return StripeLike(text, p, word, "sk_live_"u8, "sk_test_"u8);
            case (byte)'r':
                return StripeLike(text, p, word, "rk_live_"u8, "rk_test_"u8);
            case (byte)'p':
                return StripeLike(text, p, word, "pk_live_"u8, "pk_live_"u8);
            case (byte)'A':
                // AWS access key id: AKIA/ASIA + 16 upper-case letters or digits, exactly.
                if ((rest.StartsWith("AKIA"u8) || rest.StartsWith("ASIA"u8)) && word == 20 && IsUpperOrDigit(text.Slice(p + 4, 16)))
                {
                    return (p, p + 20);
                }

                // Google API key: AIza + 35.
                return rest.StartsWith("AIza"u8) && word == 39 ? (p, p + 39) : default;
            case (byte)'g':
                if (rest.Length > 4 && rest.StartsWith("gh"u8) && rest[2] is (byte)'p' or (byte)'o' or (byte)'u' or (byte)'s' or (byte)'r'
                    && rest[3] == '_' && word >= 34)
                {
                    return (p, p + word);
                }

                return rest.StartsWith("github_pat_"u8) && word >= 11 + 22 ? (p, p + word) : default;
            case (byte)'x':
                // Slack: xoxa-, xoxb-, xoxp-, xoxo-, xoxs-, xoxr-.
                return rest.Length > 5 && rest.StartsWith("xox"u8) && rest[3] is (byte)'a' or (byte)'b' or (byte)'p' or (byte)'o' or (byte)'s' or (byte)'r'
                    && rest[4] == '-' && word >= 15 && HasLetterAndDigit(text.Slice(p + 5, word - 5)) ? (p, p + word) : default;
            case (byte)'w':
                return IsWardenKey(text.Slice(p, word)) ? (p, p + word) : default;
            case (byte)'e':
                return Jwt(text, p, word);
            case (byte)'B' or (byte)'b':
                return IsBearerWord(text, p, Math.Min(tokenEnd, p + word)) ? Bearer(text, p + 6) : default;
            default:
                return default;
        }
    }

    /// <summary>Length of the run of <c>A-Z a-z 0-9 _ -</c> from <paramref name="p"/>.</summary>
    private static int WordLength(ReadOnlySpan<byte> text, int p)
    {
        var end = p;
        while (IsWord(At(text, end)) || At(text, end) == '-')
        {
            end++;
        }

        return end - p;
    }

    private static (int, int) StripeLike(ReadOnlySpan<byte> text, int p, int word, ReadOnlySpan<byte> live, ReadOnlySpan<byte> test)
    {
        var rest = text[p..];
        return (rest.StartsWith(live) || rest.StartsWith(test)) && word >= 8 + 16 ? (p, p + word) : default;
    }

    private static bool IsWardenKey(ReadOnlySpan<byte> word) =>
        word.Length == ApiKeyFormat.KeyLength && word.StartsWith("wdn_"u8) && word[4 + ApiKeyFormat.PublicIdLength] == '_'
        && !word.Slice(4, ApiKeyFormat.PublicIdLength).ContainsAnyExcept(s_wardenAlphabet)
        && !word[(4 + ApiKeyFormat.PublicIdLength + 1)..].ContainsAnyExcept(s_wardenAlphabet);

    /// <summary>header.payload.signature, base64url, header and payload JSON objects (<c>eyJ</c>).</summary>
    private static (int, int) Jwt(ReadOnlySpan<byte> text, int p, int header)
    {
        if (header < 10 || !text[p..].StartsWith("eyJ"u8) || At(text, p + header) != '.')
        {
            return default;
        }

        var payloadStart = p + header + 1;
        var payload = WordLength(text, payloadStart);
        if (payload < 4 || !text[payloadStart..].StartsWith("eyJ"u8) || At(text, payloadStart + payload) != '.')
        {
            return default;
        }

        var signatureStart = payloadStart + payload + 1;
        return (p, signatureStart + WordLength(text, signatureStart));
    }

    /// <summary>
    /// The token after <c>Bearer </c> (RFC 6750 b64token): 16+ characters with a digit, or 24+; the word itself stays.
    /// </summary>
    private static (int, int) Bearer(ReadOnlySpan<byte> text, int afterWord)
    {
        if (At(text, afterWord) != ' ')
        {
            return default;
        }

        var start = afterWord + 1;
        var end = start;
        var digit = false;
        while (true)
        {
            var b = At(text, end);
            if (IsAlnum(b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' or (byte)'+' or (byte)'/')
            {
                digit |= IsDigit(b);
                end++;
                continue;
            }

            break;
        }

        while (At(text, end) == '=')
        {
            end++;
        }

        while (end > start && text[end - 1] == '.')
        {
            end--;
        }

        var length = end - start;
        return length >= 24 || (length >= 16 && digit) ? (start, end) : default;
    }

    /// <summary>
    /// Generic secrets: each part of the token between <c>=</c> signs (trailing base64 padding stays with its part)
    /// of 32–256 characters with upper-case, lower-case and digits, not pure hex (digests, git SHAs, UUIDs), not a
    /// path (a <c>/</c> every 12 characters or more), not a dashed/underscored identifier, not an alphabet or counting
    /// run, not made of words (see <see cref="IsWordLike"/>), not inline <c>base64,</c> data, and Shannon entropy of at least <see cref="GenericMinEntropy"/> bits per character.
    /// </summary>
    private static void Generic(ReadOnlySpan<byte> text, int start, int end, List<PiiMatch> output)
    {
        // Inline data (data:image/png;base64,…) is content, however random it looks.
        if (end - start < GenericMinLength || (start >= 7 && text[(start - 7)..start].SequenceEqual("base64,"u8)))
        {
            return;
        }

        var partStart = start;
        for (var p = start; p <= end; p++)
        {
            if (p < end && !(text[p] == '=' && p + 1 < end && text[p + 1] != '='))
            {
                continue;
            }

            // p is the end of a part: text end, or an '=' that separates a name from a value.
            if (IsGenericSecret(text[partStart..p]))
            {
                output.Add(new PiiMatch(partStart, p - partStart, PiiKind.Secret));
            }

            partStart = p + 1;
        }
    }

    internal static bool IsGenericSecret(ReadOnlySpan<byte> part)
    {
        if (part.Length is < GenericMinLength or > GenericMaxLength || !part.ContainsAnyExcept(s_hexOrDash))
        {
            return false;
        }

        var upper = false;
        var lower = false;
        var digit = false;
        var slashes = 0;
        var joiners = 0;
        Span<int> counts = stackalloc int[128];
        foreach (var b in part)
        {
            upper |= IsUpper(b);
            lower |= IsLower(b);
            digit |= IsDigit(b);
            slashes += b == '/' ? 1 : 0;
            joiners += b is (byte)'_' or (byte)'-' ? 1 : 0;
            counts[b]++;
        }

        if (!(upper && lower && digit) || (slashes >= 3 && slashes * 12 >= part.Length) || joiners * 10 > part.Length
            || IsMostlySequential(part))
        {
            return false;
        }

        double entropy = 0;
        double length = part.Length;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var frequency = count / length;
                entropy -= frequency * Math.Log2(frequency);
            }
        }

        return entropy >= GenericMinEntropy && !IsWordLike(part);
    }

    /// <summary>
    /// CamelCase identifiers (<c>AddAuthenticationServices2024Extensions</c>, migration names, test names) have as
    /// much character entropy as a random key; what sets them apart is words. Word-like: at least 85 % of the letters
    /// sit in <c>[A-Z]?[a-z]{2,}</c> runs and at least 25 % of the letters are vowels. By simulation, a random
    /// 32-character base62 key is word-like about 4 times in 10,000 (40-character base64: 3 in 100,000).
    /// </summary>
    internal static bool IsWordLike(ReadOnlySpan<byte> part)
    {
        var inWords = 0;
        var letters = 0;
        var vowels = 0;
        var i = 0;
        while (i < part.Length)
        {
            var b = part[i];
            if (IsLetter(b))
            {
                letters++;
                vowels += (b | 0x20) is (byte)'a' or (byte)'e' or (byte)'i' or (byte)'o' or (byte)'u' ? 1 : 0;
            }

            var head = IsUpper(b) ? 1 : 0;
            var run = 0;
            while (IsLower(At(part, i + head + run)))
            {
                run++;
            }

            if (run >= 2)
            {
                inWords += head + run;
                for (var k = i + 1; k < i + head + run; k++)
                {
                    letters++;
                    vowels += (part[k] | 0x20) is (byte)'a' or (byte)'e' or (byte)'i' or (byte)'o' or (byte)'u' ? 1 : 0;
                }

                i += head + run;
                continue;
            }

            i++;
        }

        return letters > 0 && inWords * 100 >= letters * 85 && vowels * 4 >= letters;
    }

    /// <summary>Alphabets and counting runs (<c>ABCDEF…abcdef…0123…</c>): most neighbours are consecutive bytes.</summary>
    private static bool IsMostlySequential(ReadOnlySpan<byte> part)
    {
        var steps = 0;
        for (var i = 1; i < part.Length; i++)
        {
            steps += part[i] == part[i - 1] + 1 ? 1 : 0;
        }

        return steps * 2 >= part.Length;
    }

    private static bool HasLetterAndDigit(ReadOnlySpan<byte> part) =>
        part.IndexOfAnyInRange((byte)'0', (byte)'9') >= 0 && (part.IndexOfAnyInRange((byte)'a', (byte)'z') >= 0 || part.IndexOfAnyInRange((byte)'A', (byte)'Z') >= 0);

    private static bool IsUpperOrDigit(ReadOnlySpan<byte> part)
    {
        foreach (var b in part)
        {
            if (!IsUpper(b) && !IsDigit(b))
            {
                return false;
            }
        }

        return true;
    }

    // ---- PEM ------------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>-----BEGIN … PRIVATE KEY-----</c> through the matching <c>-----END … PRIVATE KEY-----</c>, the whole block;
    /// without an END line, to the end of the text (a truncated key is still a key). Certificates and public keys are
    /// public and not matched.
    /// </summary>
    private static void ScanPem(ReadOnlySpan<byte> text, List<PiiMatch> output)
    {
        var from = 0;
        while (from < text.Length)
        {
            var begin = text[from..].IndexOf("-----BEGIN "u8);
            if (begin < 0)
            {
                return;
            }

            begin += from;
            var labelStart = begin + 11;
            var labelEnd = LabelEnd(text, labelStart);
            if (labelEnd < 0 || !text[labelStart..labelEnd].EndsWith("PRIVATE KEY"u8))
            {
                from = labelStart;
                continue;
            }

            var end = text.Length;
            var endLine = text[labelEnd..].IndexOf("-----END "u8);
            if (endLine >= 0)
            {
                var closeStart = labelEnd + endLine + 9;
                var close = LabelEnd(text, closeStart);
                end = close < 0 ? closeStart : close + 5;
            }

            output.Add(new PiiMatch(begin, end - begin, PiiKind.Secret));
            from = end;
        }
    }

    /// <summary>End of a PEM label (upper-case letters, digits and spaces, up to 40) closed by five dashes, or −1.</summary>
    private static int LabelEnd(ReadOnlySpan<byte> text, int start)
    {
        var end = start;
        while (end - start <= 40 && (IsUpper(At(text, end)) || IsDigit(At(text, end)) || At(text, end) == ' '))
        {
            end++;
        }

        return text[end..].StartsWith("-----"u8) ? end : -1;
    }
}
