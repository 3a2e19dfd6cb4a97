namespace Warden.Core.Snapshots;

/// <summary>A project's own prompt-injection regex.</summary>
/// <param name="Id">Rule id cited by blocks.</param>
/// <param name="Pattern">The regular expression (compiled by the guardrail gate, non-backtracking).</param>
public sealed record InjectionPatternEntry(string Id, string Pattern);
