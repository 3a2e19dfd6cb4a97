namespace Warden.Core.Usage;

/// <summary>What a guardrail block records (SPEC G-4); never the request's content beyond a redacted snippet.</summary>
/// <param name="RuleId">The rule that fired, e.g. <c>pii.credit_card</c>, <c>jailbreak.dan</c> or a custom pattern id.</param>
/// <param name="Kind"><c>pii</c>, <c>pattern</c> or <c>semantic</c>.</param>
/// <param name="Snippet">A short excerpt around the match with the match itself (and any other PII) replaced.</param>
public sealed record GuardrailBlockInfo(string RuleId, string Kind, string Snippet);
