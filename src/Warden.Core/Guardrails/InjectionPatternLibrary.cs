using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Warden.Core.Guardrails;

/// <summary>
/// The curated prompt-injection library (SPEC G-2): well-known phrasings of jailbreaks, system-prompt leaks, role
/// overrides and data exfiltration. Projects enable entries by id; every pattern is matched case-insensitively with
/// <see cref="System.Text.RegularExpressions.RegexOptions.NonBacktracking"/>, so none can stall the gateway. Patterns
/// favour precision over recall: a block must be explainable by the rule that fired.
/// </summary>
public static class InjectionPatternLibrary
{
    /// <summary>The library, in a stable order.</summary>
    public static ImmutableArray<CuratedInjectionPattern> All { get; } =
    [
        new("jailbreak.ignore-instructions", "jailbreak",
            "Asks the model to ignore, forget or disregard its previous instructions or rules.",
            @"\b(ignore|forget|disregard|override|bypass)\s+(all\s+|any\s+|every\s+)?(of\s+)?(the\s+|your\s+|my\s+)?(previous|prior|above|earlier|preceding|original|initial|system)\s+(instructions?|rules|prompts?|directions|guidelines|context)\b"),
        new("jailbreak.dan", "jailbreak",
            "The 'Do Anything Now' (DAN) family of jailbreak prompts.",
            @"\bdo\s+anything\s+now\b|\byou\s+are\s+(now\s+)?DAN\b|\bDAN\s+mode\b"),
        new("jailbreak.developer-mode", "jailbreak",
            "Asks the model to enter a 'developer', 'god' or 'debug' mode without its safeguards.",
            @"\b(enable|activate|enter|switch\s+to|turn\s+on)\s+(the\s+)?(developer|god|debug|sudo|admin|unrestricted|jailbreak|jailbroken)\s+mode\b"),
        new("jailbreak.no-restrictions", "jailbreak",
            "Tells the model it has no rules, filters or restrictions.",
            @"\b(you\s+(have|has|are\s+under)\s+no|without\s+any|free\s+(of|from)\s+(all|any))\s+(ethical\s+|moral\s+|content\s+|safety\s+)?(restrictions|rules|filters|guidelines|limitations|boundaries|policies)\b"),
        new("system-prompt.reveal", "system-prompt-leak",
            "Asks the model to reveal, print or repeat its system prompt or hidden instructions.",
            @"\b(reveal|show|print|display|output|repeat|leak|tell\s+me|give\s+me|what\s+(is|are))\s+(me\s+)?(your|the)\s+(full\s+|exact\s+|entire\s+|original\s+)?(system|initial|hidden|secret|internal|developer)\s+(prompt|instructions?|message|rules)\b"),
        new("system-prompt.repeat-above", "system-prompt-leak",
            "Asks the model to repeat everything above or before the conversation verbatim.",
            @"\b(repeat|print|output|copy)\s+(all\s+|everything\s+|the\s+(text|words|content)\s+)?(above|before\s+this)\b.{0,40}\bverbatim\b|\brepeat\s+the\s+words\s+above\b"),
        new("role-override.fake-system", "role-override",
            "A fake system or assistant turn inside user content (chat-template tokens or a 'system:' header).",
            @"<\|im_start\|>\s*(system|assistant)|<\|(system|assistant)\|>|\[/?(SYSTEM|INST)\]|(^|\n)\s*#{2,}\s*(system|new\s+instructions)\s*:?|(^|\n)\s*system\s*(prompt\s*)?:\s*(you|ignore|new)\b"),
        new("role-override.unfiltered-persona", "role-override",
            "Asks the model to act as an unfiltered, uncensored or evil persona.",
            @"\b(act|acting|behave|respond|pretend|roleplay)\s+(as|like|to\s+be)\s+(an?\s+)?(unfiltered|uncensored|unrestricted|jailbroken|evil|amoral|unethical)\b"),
        new("exfiltration.markdown-image", "exfiltration",
            "A markdown image whose URL carries data in its query string (a known way to leak conversation data).",
            @"!\[[^\]\n]*\]\(\s*https?://[^\s)?]+\?[^\s)]*=[^\s)]*(\{|%7B|\$)"),
    ];

    private static readonly FrozenDictionary<string, CuratedInjectionPattern> s_byId = All.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);

    /// <summary>Finds a pattern by id.</summary>
    public static bool TryGet(string id, out CuratedInjectionPattern pattern) => s_byId.TryGetValue(id, out pattern!);
}
