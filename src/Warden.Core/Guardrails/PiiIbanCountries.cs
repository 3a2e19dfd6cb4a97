namespace Warden.Core.Guardrails;

/// <summary>IBAN length per country (SWIFT IBAN registry): every SEPA country and the common others.</summary>
internal static class PiiIbanCountries
{
    public const int MaxLength = 34;

    private const string Table =
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 FI18 " +
        "FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 " +
        "LU20 LV21 LY25 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SD18 " +
        "SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20";

    private static readonly byte[] s_lengths = Build();

    /// <summary>The IBAN length for a country code (either case), or 0 when the country is not in the table.</summary>
    public static int Length(byte first, byte second)
    {
        var a = (first | 0x20) - 'a';
        var b = (second | 0x20) - 'a';
        return (uint)a < 26 && (uint)b < 26 ? s_lengths[(a * 26) + b] : 0;
    }

    private static byte[] Build()
    {
        var lengths = new byte[26 * 26];
        foreach (var entry in Table.Split(' '))
        {
            lengths[((entry[0] - 'A') * 26) + (entry[1] - 'A')] = byte.Parse(entry.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
        }

        return lengths;
    }
}
