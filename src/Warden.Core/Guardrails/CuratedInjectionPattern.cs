namespace Warden.Core.Guardrails;

/// <summary>One pattern of the curated prompt-injection library.</summary>
/// <param name="Id">Stable id that projects enable and blocks cite, e.g. <c>jailbreak.ignore-instructions</c>.</param>
/// <param name="Category">jailbreak, system-prompt-leak, role-override or exfiltration.</param>
/// <param name="Description">What the pattern catches, for the console and the docs.</param>
/// <param name="Pattern">The regular expression (case-insensitive, run non-backtracking).</param>
public sealed record CuratedInjectionPattern(string Id, string Category, string Description, string Pattern);
