namespace Warden.Storage.Entities;

/// <summary>A project's own prompt-injection regex, named so a block can cite the rule id.</summary>
/// <param name="Id">Rule id reported in 403 responses and block records (unique within the project).</param>
/// <param name="Pattern">The regular expression (validated at save time; run with a non-backtracking engine).</param>
public sealed record CustomInjectionPattern(string Id, string Pattern);
