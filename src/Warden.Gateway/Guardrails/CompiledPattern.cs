using System.Text.RegularExpressions;

namespace Warden.Gateway.Guardrails;

/// <summary>A prompt-injection pattern ready to run: the rule id blocks cite and its regex.</summary>
/// <param name="RuleId">Curated library id or the project's custom pattern id.</param>
/// <param name="Regex">Non-backtracking where the pattern allows it, otherwise bounded by a match timeout.</param>
/// <param name="NonBacktracking">Whether <paramref name="Regex"/> runs non-backtracking.</param>
internal sealed record CompiledPattern(string RuleId, Regex Regex, bool NonBacktracking);
