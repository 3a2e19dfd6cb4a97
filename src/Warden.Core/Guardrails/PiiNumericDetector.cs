using System.Buffers;
using static Warden.Core.Guardrails.PiiAscii;

namespace Warden.Core.Guardrails;

/// <summary>
/// One left-to-right pass for every kind that starts with a digit, <c>+</c> or <c>(</c>: phone, credit card, SSN,
/// Thai national id, IPv4 and IBAN (whose check digits are found as a digit run right after two letters). At each
/// candidate start every enabled detector is tried and the longest match wins (ties: the more specific kind); the
/// pass then continues after it, so the cost is linear in the text.
/// </summary>
internal static class PiiNumericDetector
{
    private const int MaxGroups = 8;

    private static readonly SearchValues<byte> s_starts = SearchValues.Create("0123456789+("u8);

    public static void Scan(ReadOnlySpan<byte> text, PiiKindSet kinds, List<PiiMatch> output)
    {
        var i = 0;
        while (i < text.Length)
        {
            var next = text[i..].IndexOfAny(s_starts);
            if (next < 0)
            {
                return;
            }

            i += next;
            var c = text[i];
            if (IsDigit(c) && IsWord(At(text, i - 1)))
            {
                // Digits glued to a word: only an IBAN (two letters, then the check digits) starts this way.
                if (kinds.Has(PiiKind.Iban) && i >= 2 && IsLetter(text[i - 1]) && IsLetter(text[i - 2]) && !IsWord(At(text, i - 3)))
                {
                    var ibanLength = Iban(text, i - 2);
                    if (ibanLength > 0)
                    {
                        output.Add(new PiiMatch(i - 2, ibanLength, PiiKind.Iban));
                        i = i - 2 + ibanLength;
                        continue;
                    }
                }

                i = SkipWord(text, i);
                continue;
            }

            var best = 0;
            var bestKind = PiiKind.Phone;
            if (IsDigit(c))
            {
                if (StartsNumber(text, i))
                {
                    // The first digit run and what follows it rule most detectors out before they run, which keeps
                    // dense numeric text (tables, "1 2 3 …") cheap. Tried from the most to the least specific.
                    var run = Digits(text, i);
                    var after = At(text, i + run);
                    var separated = after is (byte)'-' or (byte)' ' or (byte)'.' && IsDigit(At(text, i + run + 1));
                    if (kinds.Has(PiiKind.CreditCard) && (run >= 13 || (run is >= 3 and <= 6 && separated)))
                    {
                        Consider(PiiKind.CreditCard, CreditCard(text, i), ref best, ref bestKind);
                    }

                    if (kinds.Has(PiiKind.ThaiNationalId) && (run == 13 || (run == 1 && separated)))
                    {
                        Consider(PiiKind.ThaiNationalId, ThaiNationalId(text, i), ref best, ref bestKind);
                    }

                    if (kinds.Has(PiiKind.Ssn) && (run == 9 || (run == 3 && separated)))
                    {
                        Consider(PiiKind.Ssn, Ssn(text, i), ref best, ref bestKind);
                    }

                    if (kinds.Has(PiiKind.IpAddress) && run <= 3 && after == '.')
                    {
                        Consider(PiiKind.IpAddress, Ipv4(text, i), ref best, ref bestKind);
                    }

                    if (kinds.Has(PiiKind.Phone) && ((run is >= 2 and <= 5 && separated) || (run == 1 && c == '1' && (separated || (after == ' ' && At(text, i + 2) == '(')))))
                    {
                        Consider(PiiKind.Phone, NationalPhone(text, i), ref best, ref bestKind);
                    }
                }
            }
            else if (c == '+')
            {
                if (kinds.Has(PiiKind.Phone) && !IsWord(At(text, i - 1)) && At(text, i - 1) != '+')
                {
                    best = InternationalPhone(text, i);
                }
            }
            else if (kinds.Has(PiiKind.Phone) && !IsWord(At(text, i - 1)))
            {
                best = ParenthesizedPhone(text, i, 0);
            }

            if (best > 0)
            {
                output.Add(new PiiMatch(i, best, bestKind));
                i += best;
            }
            else
            {
                i = IsDigit(c) ? i + Digits(text, i) : i + 1;
            }
        }
    }

    private static void Consider(PiiKind kind, int length, ref int best, ref PiiKind bestKind)
    {
        // Callers try kinds from the most to the least specific, so a tie keeps the earlier one.
        if (length > best)
        {
            best = length;
            bestKind = kind;
        }
    }

    private static int SkipWord(ReadOnlySpan<byte> text, int index)
    {
        while (IsWord(At(text, index)))
        {
            index++;
        }

        return index;
    }

    // ---- Credit card ----------------------------------------------------------------------------------------------

    /// <summary>13–19 digits, bare or in groups of 3–6 split by one consistent space or dash; Luhn; known IIN.</summary>
    internal static int CreditCard(ReadOnlySpan<byte> text, int start)
    {
        Span<byte> digits = stackalloc byte[19];
        Span<int> groupEnds = stackalloc int[MaxGroups];
        Span<int> groupDigits = stackalloc int[MaxGroups];
        var groups = 0;
        var count = 0;
        var position = start;
        byte separator = 0;
        while (groups < MaxGroups)
        {
            var run = Digits(text, position);
            if (count + run > 19)
            {
                break;
            }

            text.Slice(position, run).CopyTo(digits[count..]);
            count += run;
            position += run;
            groupEnds[groups] = position;
            groupDigits[groups] = count;
            groups++;
            var next = At(text, position);
            if ((next == ' ' || next == '-') && (separator == 0 || separator == next) && IsDigit(At(text, position + 1)))
            {
                separator = next;
                position++;
                continue;
            }

            break;
        }

        if (groups == 0)
        {
            return 0;
        }

        if (groups > 1)
        {
            // Grouped numbers: every group 3–6 digits (4-4-4-4, Amex 4-6-5, Diners 4-6-4). A first group outside that
            // is a bare number followed by other numbers: only it is a candidate.
            for (var g = 0; g < groups; g++)
            {
                var size = groupDigits[g] - (g == 0 ? 0 : groupDigits[g - 1]);
                if (size is < 3 or > 6)
                {
                    groups = Math.Max(g, 1);
                    break;
                }
            }
        }

        // The longest prefix of whole groups that is a card: text may go on with more numbers after it.
        for (var g = groups - 1; g >= 0; g--)
        {
            var length = groupDigits[g];
            if (length >= 13 && IsCardNumber(digits[..length]) && EndsNumber(text, groupEnds[g]))
            {
                return groupEnds[g] - start;
            }
        }

        return 0;
    }

    internal static bool IsCardNumber(ReadOnlySpan<byte> digits)
    {
        var length = digits.Length;
        if (length is < 13 or > 19 || !IssuerAccepts(digits, length))
        {
            return false;
        }

        var sum = 0;
        var doubleIt = false;
        for (var i = length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    private static bool IssuerAccepts(ReadOnlySpan<byte> d, int length)
    {
        var p2 = ((d[0] - '0') * 10) + (d[1] - '0');
        var p3 = (p2 * 10) + (d[2] - '0');
        var p4 = (p3 * 10) + (d[3] - '0');
        return d[0] switch
        {
            (byte)'4' => length is 13 or 16 or 19, // Visa
            (byte)'5' => p2 is >= 51 and <= 55 && length == 16, // Mastercard
            (byte)'2' => p4 is >= 2221 and <= 2720 && length == 16, // Mastercard 2-series
            (byte)'3' => p2 is 34 or 37 ? length == 15 // Amex
                : p4 is >= 3528 and <= 3589 ? length >= 16 // JCB
                : (p3 is >= 300 and <= 305 || p2 is 36 or 38) && length >= 14, // Diners
            (byte)'6' => p4 == 6011 || p2 == 65 || p3 is >= 644 and <= 649 ? length >= 16 // Discover
                : p2 == 62 && length >= 16, // UnionPay
            _ => false,
        };
    }

    // ---- Thai national id -----------------------------------------------------------------------------------------

    /// <summary>13 digits bare, or N-NNNN-NNNNN-NN-N (dashes or spaces); first digit 1–8; mod-11 check digit.</summary>
    internal static int ThaiNationalId(ReadOnlySpan<byte> text, int start)
    {
        Span<byte> digits = stackalloc byte[13];
        int end;
        if (Digits(text, start) == 13)
        {
            text.Slice(start, 13).CopyTo(digits);
            end = start + 13;
        }
        else
        {
            ReadOnlySpan<int> sizes = [1, 4, 5, 2, 1];
            var separator = At(text, start + 1);
            if (separator is not ((byte)'-' or (byte)' '))
            {
                return 0;
            }

            var position = start;
            var count = 0;
            for (var g = 0; g < sizes.Length; g++)
            {
                if (g > 0)
                {
                    if (At(text, position) != separator)
                    {
                        return 0;
                    }

                    position++;
                }

                if (Digits(text, position) != sizes[g])
                {
                    return 0;
                }

                text.Slice(position, sizes[g]).CopyTo(digits[count..]);
                count += sizes[g];
                position += sizes[g];
            }

            end = position;
        }

        return IsThaiNationalId(digits) && EndsNumber(text, end) ? end - start : 0;
    }

    internal static bool IsThaiNationalId(ReadOnlySpan<byte> digits)
    {
        if (digits[0] is < (byte)'1' or > (byte)'8')
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (digits[i] - '0') * (13 - i);
        }

        return (11 - (sum % 11)) % 10 == digits[12] - '0';
    }

    // ---- US social security number --------------------------------------------------------------------------------

    /// <summary>AAA-GG-SSSS or AAA GG SSSS (valid area/group/serial); 9 bare digits only after an "SSN" keyword.</summary>
    internal static int Ssn(ReadOnlySpan<byte> text, int start)
    {
        int end;
        if (Digits(text, start) == 9)
        {
            if (!FollowsSsnKeyword(text, start))
            {
                return 0;
            }

            end = start + 9;
            return IsSsn(text.Slice(start, 3), text.Slice(start + 3, 2), text.Slice(start + 5, 4)) && EndsNumber(text, end) ? 9 : 0;
        }

        var separator = At(text, start + 3);
        if (Digits(text, start) != 3 || separator is not ((byte)'-' or (byte)' ')
            || Digits(text, start + 4) != 2 || At(text, start + 6) != separator || Digits(text, start + 7) != 4)
        {
            return 0;
        }

        end = start + 11;
        return IsSsn(text.Slice(start, 3), text.Slice(start + 4, 2), text.Slice(start + 7, 4)) && EndsNumber(text, end) ? 11 : 0;
    }

    private static bool IsSsn(ReadOnlySpan<byte> area, ReadOnlySpan<byte> group, ReadOnlySpan<byte> serial)
    {
        var a = ((area[0] - '0') * 100) + ((area[1] - '0') * 10) + (area[2] - '0');
        return a != 0 && a != 666 && a < 900 && !group.SequenceEqual("00"u8) && !serial.SequenceEqual("0000"u8);
    }

    /// <summary>"ssn" or "social security" (any case) within the 24 bytes before the number.</summary>
    private static bool FollowsSsnKeyword(ReadOnlySpan<byte> text, int start)
    {
        var from = Math.Max(0, start - 24);
        var window = text[from..start];
        return ContainsIgnoreCase(window, "ssn"u8) || ContainsIgnoreCase(window, "social security"u8);
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> lowerNeedle)
    {
        for (var i = 0; i + lowerNeedle.Length <= haystack.Length; i++)
        {
            var j = 0;
            while (j < lowerNeedle.Length && (haystack[i + j] | 0x20) == lowerNeedle[j])
            {
                j++;
            }

            if (j == lowerNeedle.Length)
            {
                return true;
            }
        }

        return false;
    }

    // ---- IPv4 -----------------------------------------------------------------------------------------------------

    /// <summary>Dotted quad, each octet 0–255 without leading zeros, not part of a longer dotted number.</summary>
    internal static int Ipv4(ReadOnlySpan<byte> text, int start)
    {
        var position = start;
        for (var octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (At(text, position) != '.')
                {
                    return 0;
                }

                position++;
            }

            var run = Digits(text, position);
            if (run is 0 or > 3 || (run > 1 && text[position] == '0'))
            {
                return 0;
            }

            var value = 0;
            for (var k = 0; k < run; k++)
            {
                value = (value * 10) + (text[position + k] - '0');
            }

            if (value > 255)
            {
                return 0;
            }

            position += run;
        }

        return EndsNumber(text, position) ? position - start : 0;
    }

    // ---- Phone ----------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>+</c>, a country code, then 8–15 digits in all, in groups split by up to two of space, dash, dot and
    /// parentheses (<c>+1 (555) 123-4567</c>, <c>+44 (0)20 7946 0958</c>, <c>+66812345678</c>). One-digit groups are
    /// accepted only among the first three groups, so a count after the number is not swallowed.
    /// </summary>
    internal static int InternationalPhone(ReadOnlySpan<byte> text, int start)
    {
        var position = start + 1;
        if (At(text, position) is < (byte)'1' or > (byte)'9')
        {
            return 0;
        }

        var digits = 0;
        var bestEnd = 0;
        for (var group = 0; group < 10; group++)
        {
            var run = Digits(text, position);
            if (run == 0 || digits + run > 15 || (run == 1 && group >= 3))
            {
                break;
            }

            digits += run;
            position += run;
            if (digits >= 8 && EndsNumber(text, position))
            {
                bestEnd = position;
            }

            var separators = 0;
            while (separators < 2 && At(text, position + separators) is (byte)' ' or (byte)'-' or (byte)'.' or (byte)'(' or (byte)')')
            {
                separators++;
            }

            // A dot or dash alone, or space/parenthesis combinations; never two dots or two dashes.
            if (separators == 0 || !IsDigit(At(text, position + separators))
                || (separators == 2 && text[position] == text[position + 1]))
            {
                break;
            }

            position += separators;
        }

        return bestEnd > 0 ? bestEnd - start : 0;
    }

    /// <summary>
    /// National formats with separators: <c>(555) 123-4567</c>, <c>(02) 123 4567</c> — an area code of 2–5 digits in
    /// parentheses, then one or two groups of 3–8 digits; 9–11 digits in all.
    /// </summary>
    internal static int ParenthesizedPhone(ReadOnlySpan<byte> text, int start, int leadingDigits)
    {
        var area = Digits(text, start + 1);
        if (area is < 2 or > 5 || At(text, start + 1 + area) != ')')
        {
            return 0;
        }

        var position = start + 2 + area;
        if (At(text, position) is (byte)' ' or (byte)'-')
        {
            position++;
        }

        var digits = leadingDigits + area;
        byte separator = 0;
        var bestEnd = 0;
        for (var group = 0; group < 2; group++)
        {
            var run = Digits(text, position);
            if (run is < 3 or > 8 || (group == 1 && run < 4))
            {
                break;
            }

            digits += run;
            position += run;
            if (digits is >= 9 and <= 11 && EndsNumber(text, position))
            {
                bestEnd = position;
            }

            var next = At(text, position);
            if (next is (byte)'-' or (byte)' ' or (byte)'.' && (separator == 0 || separator == next) && IsDigit(At(text, position + 1)))
            {
                separator = next;
                position++;
                continue;
            }

            break;
        }

        return bestEnd > 0 ? bestEnd - start : 0;
    }

    /// <summary>
    /// National formats without a <c>+</c>, always with separators (a bare digit run is never a phone):
    /// North American <c>555-123-4567</c> / <c>555.123.4567</c> / <c>555 123 4567</c> (area code starting 2–9,
    /// optional leading <c>1</c>), and trunk-prefixed numbers starting with <c>0</c> in 2–5 groups of 2–8 digits split by one
    /// consistent space or dash, 9–11 digits in all (<c>020 7946 0958</c>, <c>081-234-5678</c>, <c>02-123-4567</c>,
    /// <c>01 23 45 67 89</c>).
    /// </summary>
    internal static int NationalPhone(ReadOnlySpan<byte> text, int start)
    {
        var first = Digits(text, start);
        if (first == 1 && text[start] == '1' && At(text, start + 1) == ' ' && At(text, start + 2) == '(')
        {
            var parenthesized = ParenthesizedPhone(text, start + 2, 1);
            return parenthesized > 0 ? parenthesized + 2 : 0;
        }

        Span<int> sizes = stackalloc int[6];
        Span<int> ends = stackalloc int[6];
        var position = start;
        var groups = 0;
        byte separator = 0;
        while (groups < sizes.Length)
        {
            var run = Digits(text, position);
            if (run == 0)
            {
                break;
            }

            sizes[groups] = run;
            position += run;
            ends[groups] = position;
            groups++;
            var next = At(text, position);
            if (next is (byte)'-' or (byte)' ' or (byte)'.' && (separator == 0 || separator == next) && IsDigit(At(text, position + 1)))
            {
                separator = next;
                position++;
                continue;
            }

            break;
        }

        for (var count = groups; count >= 2; count--)
        {
            if (IsNationalPhone(text, start, sizes[..count], separator) && EndsNumber(text, ends[count - 1]))
            {
                return ends[count - 1] - start;
            }
        }

        return 0;
    }

    private static bool IsNationalPhone(ReadOnlySpan<byte> text, int start, ReadOnlySpan<int> sizes, byte separator)
    {
        var total = 0;
        foreach (var size in sizes)
        {
            total += size;
        }

        if (total is < 9 or > 11)
        {
            return false;
        }

        // North American: [1 ]NXX-NXX-XXXX.
        var offset = sizes.Length == 4 && sizes[0] == 1 && text[start] == '1' ? 2 : 0;
        var nanp = sizes[(offset == 0 ? 0 : 1)..];
        if (nanp.Length == 3 && nanp[0] == 3 && nanp[1] == 3 && nanp[2] == 4 && text[start + offset] >= '2')
        {
            return true;
        }

        // Trunk prefix 0: 2–5 groups of 2–8 digits, space or dash.
        if (text[start] != '0' || separator == '.' || sizes.Length > 5 || sizes[0] > 5)
        {
            return false;
        }

        foreach (var size in sizes)
        {
            if (size is < 2 or > 8)
            {
                return false;
            }
        }

        return true;
    }

    // ---- IBAN -----------------------------------------------------------------------------------------------------

    /// <summary>Country code, two check digits, the country's BBAN length (bare or in groups of 4), mod-97 = 1.</summary>
    internal static int Iban(ReadOnlySpan<byte> text, int start)
    {
        var expected = PiiIbanCountries.Length(text[start], text[start + 1]);
        if (expected == 0 || !IsDigit(At(text, start + 2)) || !IsDigit(At(text, start + 3)))
        {
            return 0;
        }

        Span<byte> iban = stackalloc byte[PiiIbanCountries.MaxLength];
        var position = start;
        var count = 0;
        if (At(text, start + 4) == ' ')
        {
            // Groups of four split by single spaces, the last group 1–4.
            text.Slice(start, 4).CopyTo(iban);
            count = 4;
            position = start + 4;
            while (count < expected)
            {
                if (At(text, position) != ' ')
                {
                    return 0;
                }

                position++;
                var take = Math.Min(4, expected - count);
                for (var k = 0; k < take; k++)
                {
                    var b = At(text, position);
                    if (!IsAlnum(b))
                    {
                        return 0;
                    }

                    iban[count++] = b;
                    position++;
                }
            }
        }
        else
        {
            while (count < expected && IsAlnum(At(text, position)))
            {
                iban[count++] = text[position++];
            }

            if (count != expected)
            {
                return 0;
            }
        }

        if (IsWord(At(text, position)) || !IsValidIban(iban[..count]))
        {
            return 0;
        }

        return position - start;
    }

    internal static bool IsValidIban(ReadOnlySpan<byte> iban)
    {
        // Move the first four characters to the end, letters become 10..35, the number mod 97 must be 1.
        var remainder = 0;
        for (var k = 0; k < iban.Length; k++)
        {
            var b = iban[(k + 4) % iban.Length];
            if (IsDigit(b))
            {
                remainder = ((remainder * 10) + (b - '0')) % 97;
            }
            else if (IsLetter(b))
            {
                remainder = ((remainder * 100) + ((b | 0x20) - 'a' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }
}
