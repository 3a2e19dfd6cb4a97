using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Warden.Core.Guardrails;

/// <summary>Names and placeholders of <see cref="PiiKind"/>: the names rules use, the placeholders masking writes.</summary>
public static class PiiKinds
{
    private static readonly string[] s_names = ["email", "phone", "credit_card", "iban", "ssn", "ip_address", "thai_national_id", "secret"];
    private static readonly string[] s_placeholders = ["[EMAIL]", "[PHONE]", "[CREDIT_CARD]", "[IBAN]", "[SSN]", "[IP_ADDRESS]", "[THAI_NATIONAL_ID]", "[SECRET]"];
    private static readonly byte[][] s_placeholdersUtf8 = [.. s_placeholders.Select(p => System.Text.Encoding.UTF8.GetBytes(p))];
    private static readonly FrozenDictionary<string, PiiKind> s_byName =
        s_names.Select((name, index) => (name, kind: (PiiKind)index)).ToFrozenDictionary(e => e.name, e => e.kind, StringComparer.Ordinal);

    /// <summary>Every kind's rule name, in <see cref="PiiKind"/> order.</summary>
    public static ImmutableArray<string> Names { get; } = [.. s_names];

    /// <summary>The rule name of <paramref name="kind"/>, e.g. <c>credit_card</c>.</summary>
    public static string Name(PiiKind kind) => s_names[(int)kind];

    /// <summary>The rule id a block cites, e.g. <c>pii.credit_card</c>.</summary>
    public static string RuleId(PiiKind kind) => "pii." + s_names[(int)kind];

    /// <summary>The typed placeholder masking writes, e.g. <c>[CREDIT_CARD]</c>.</summary>
    public static string Placeholder(PiiKind kind) => s_placeholders[(int)kind];

    /// <summary>The placeholder as UTF-8 bytes (no allocation).</summary>
    public static ReadOnlySpan<byte> PlaceholderUtf8(PiiKind kind) => s_placeholdersUtf8[(int)kind];

    /// <summary>Parses a rule name (case-sensitive, as stored).</summary>
    public static bool TryParse(string name, out PiiKind kind) => s_byName.TryGetValue(name, out kind);
}
